namespace GrowHalo.Platform.Events;

/// <summary>
/// The one rule a body must meet besides being JSON: each of its strings can become PostgreSQL text. JSON allows two
/// escapes that text cannot hold — <c>\u0000</c> (NUL) and a UTF-16 surrogate escape that is not half of a pair.
/// Bodies are stored as Marten's jsonb, so the appender checks this itself. Text that is
/// not escaped needs no check: a JSON parser has validated its UTF-8 already.
/// </summary>
public static class StorableJson
{
    /// <summary>Why <paramref name="utf8"/>, valid JSON, cannot be stored, and the byte offset of the escape at fault; null when it can.</summary>
    public static (int Offset, string Reason)? FindProblem(ReadOnlySpan<byte> utf8)
    {
        for (var at = utf8.IndexOf((byte)'\\'); at >= 0 && at + 1 < utf8.Length; )
        {
            var escape = 2; // \n, \", \\ …: backslash and one character (so an escaped backslash never starts an escape)
            if (utf8[at + 1] == (byte)'u' && TryUnit(utf8, at, out var unit))
            {
                escape = 6;
                if (unit == 0)
                    return (at, "contains \\u0000 (a NUL character), which cannot be stored; remove it from the text it is in");
                if (char.IsLowSurrogate(unit))
                    return (at, $"contains \\u{(int)unit:x4}, the second half of a UTF-16 surrogate pair without its first half, which cannot be stored; send the character as UTF-8 or as a whole pair");
                if (char.IsHighSurrogate(unit))
                {
                    if (!TryUnit(utf8, at + 6, out var low) || !char.IsLowSurrogate(low))
                        return (at, $"contains \\u{(int)unit:x4}, the first half of a UTF-16 surrogate pair without its second half, which cannot be stored; send the character as UTF-8 or as a whole pair");
                    escape = 12;
                }
            }
            var next = utf8[(at + escape)..].IndexOf((byte)'\\');
            at = next < 0 ? -1 : at + escape + next;
        }
        return null;
    }

    /// <summary>The UTF-16 unit of a \uXXXX escape starting at <paramref name="at"/>.</summary>
    private static bool TryUnit(ReadOnlySpan<byte> utf8, int at, out char unit)
    {
        unit = '\0';
        if (at + 6 > utf8.Length || utf8[at] != (byte)'\\' || utf8[at + 1] != (byte)'u') return false;
        var value = 0;
        foreach (var b in utf8.Slice(at + 2, 4))
        {
            var digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0) return false;
            value = value * 16 + digit;
        }
        unit = (char)value;
        return true;
    }
}

/// <summary>An event whose body or metadata PostgreSQL text cannot hold (see <see cref="StorableJson"/>); nothing of the append was stored.</summary>
public sealed class UnstorableEventException(Guid eventId, string streamId, string reason)
    : ArgumentException($"Event {eventId} on stream {streamId} cannot be stored: its JSON {reason}.")
{
    public Guid EventId => eventId;
    public string StreamId => streamId;
    public string Reason => reason;
}

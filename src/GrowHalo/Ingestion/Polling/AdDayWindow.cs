using System.Globalization;
using System.Text.Json.Nodes;

namespace GrowHalo.Ingestion.Polling;

/// <summary>
/// Which days an ad-platform pass asks for, in requests of a few days each. The cursor's <c>synced_through</c> is
/// the last day every row of which has been committed; a pass starts <see cref="PollingOptions.RestatementDays"/>
/// before it (platforms restate recent days) and runs to today. <c>chunk</c> holds the request in progress, so a
/// restarted pass resumes inside it.
/// </summary>
internal static class AdDayWindow
{
    public sealed record Chunk(DateOnly Since, DateOnly Until, string? After)
    {
        public int Days => Until.DayNumber - Since.DayNumber + 1;

        public override string ToString() => $"{Text(Since)} to {Text(Until)}";
    }

    public static IEnumerable<Chunk> Plan(JsonObject cursor, DateOnly today, PollingOptions options)
    {
        var synced = Date(cursor["synced_through"]);
        var start = synced is null ? today.AddDays(1 - options.BackfillDays) : synced.Value.AddDays(1 - options.RestatementDays);
        if (cursor["chunk"] is JsonObject open && Date(open["since"]) is { } s && Date(open["until"]) is { } u)
        {
            yield return new Chunk(s, u, open["after"]?.GetValue<string>());
            start = u.AddDays(1);
        }
        if (start > today) start = today; // today is always pulled again: it is still moving
        for (var since = start; since <= today; since = since.AddDays(options.DaysPerRequest))
        {
            var until = since.AddDays(options.DaysPerRequest - 1);
            yield return new Chunk(since, until > today ? today : until, null);
        }
    }

    /// <summary>The cursor after a page: inside the chunk (after is set) or past it (synced_through moves on).</summary>
    public static JsonObject After(JsonObject cursor, Chunk chunk, string? nextAfter)
    {
        var synced = Date(cursor["synced_through"]);
        var copy = new JsonObject { ["synced_through"] = cursor["synced_through"]?.DeepClone() };
        if (nextAfter is not null)
            copy["chunk"] = new JsonObject { ["since"] = Text(chunk.Since), ["until"] = Text(chunk.Until), ["after"] = nextAfter };
        else if (synced is null || chunk.Until > synced)
            copy["synced_through"] = Text(chunk.Until);
        return copy;
    }

    public static string Text(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? Date(JsonNode? node) =>
        DateOnly.TryParseExact(node?.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}

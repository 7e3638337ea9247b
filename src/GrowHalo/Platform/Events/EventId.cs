using System.Security.Cryptography;
using System.Text;

namespace GrowHalo.Platform.Events;

/// <summary>
/// Deterministic event ids: a name-based UUID (RFC 9562 version 5, SHA-1) of "tenant/source/idempotency key",
/// so the same source record appended twice, concurrently or years apart, gets the same id and is stored once.
/// </summary>
public static class EventId
{
    private static readonly Guid Namespace = new("6f1c2a4e-0d3b-4c55-9a57-8a3a1f6b2c10");

    public static Guid For(string tenantId, string source, string idempotencyKey) =>
        NameBased(Namespace, $"{tenantId}/{source}/{idempotencyKey}");

    public static Guid NameBased(Guid ns, string name)
    {
        // A record's id comes from its sender and can be megabytes long: only small names go on the stack.
        var size = 16 + Encoding.UTF8.GetMaxByteCount(name.Length);
        Span<byte> input = size <= 1024 ? stackalloc byte[size] : new byte[size];
        ns.TryWriteBytes(input, bigEndian: true, out _);
        var length = 16 + Encoding.UTF8.GetBytes(name, input[16..]);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input[..length], hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(hash[..16], bigEndian: true);
    }
}

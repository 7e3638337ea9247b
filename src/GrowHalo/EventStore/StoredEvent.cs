using System.Text.Json;

namespace GrowHalo.EventStore;

/// <summary>An event as the store keeps it. <see cref="Position"/> is its place in the projection feed.</summary>
public sealed record StoredEvent(
    long Sequence, Guid Id, string TenantId, string StreamId, long Version, string Type,
    JsonElement Data, JsonElement? Metadata, DateTimeOffset Timestamp, FeedPosition Position)
{
    public T DataAs<T>() => Data.Deserialize<T>(EventJson.Options)
        ?? throw new InvalidOperationException($"Event {Sequence} ({Type}) has no data.");
}

/// <summary>A place in the feed: the appending transaction's id and the event's sequence number, ordered as a pair.</summary>
public readonly record struct FeedPosition(ulong TxId, long Sequence) : IComparable<FeedPosition>
{
    public static readonly FeedPosition Start = new(0, 0);
    public int CompareTo(FeedPosition other) => TxId != other.TxId ? TxId.CompareTo(other.TxId) : Sequence.CompareTo(other.Sequence);
    public static bool operator <(FeedPosition a, FeedPosition b) => a.CompareTo(b) < 0;
    public static bool operator >(FeedPosition a, FeedPosition b) => a.CompareTo(b) > 0;
    public override string ToString() => $"{TxId}/{Sequence}";
}

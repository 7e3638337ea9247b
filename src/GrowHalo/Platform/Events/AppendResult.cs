namespace GrowHalo.Platform.Events;

public enum AppendStatus { Appended, Duplicate }

/// <summary>What became of one event of an append.</summary>
public sealed record AppendOutcome(Guid Id, string StreamId, AppendStatus Status);

public sealed record AppendResult(IReadOnlyList<AppendOutcome> Events)
{
    public int Appended => Events.Count(e => e.Status == AppendStatus.Appended);
    public int Duplicates => Events.Count(e => e.Status == AppendStatus.Duplicate);
    public bool IsDuplicate => Events.Count > 0 && Appended == 0;
}

/// <summary>The caller expected a stream version that is no longer current. Nothing was appended.</summary>
public sealed class StreamVersionConflictException(string streamId, long expected, long actual)
    : Exception($"Stream '{streamId}' is at version {actual}, not the expected {expected}.")
{
    public string StreamId { get; } = streamId;
    public long Expected { get; } = expected;
    public long Actual { get; } = actual;
}


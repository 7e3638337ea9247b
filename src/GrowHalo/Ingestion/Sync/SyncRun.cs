namespace GrowHalo.Ingestion.Sync;

/// <summary>
/// One sync run as the API shows it: a connection's "Sync now" (kind <c>poll</c>) or a tenant's re-projection after a
/// time zone or currency change (kind <c>reproject</c>, no connection). <c>percent</c> is null while the total is unknown.
/// </summary>
public sealed record SyncRun(
    Guid Id, string? ConnectionId, string Kind, bool Full, string State, string? Step, long RecordsFetched, long RecordsStored,
    long? Total, decimal? Percent, bool CancelRequested, DateTimeOffset RequestedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt, string? Error)
{
    public bool Active => State is SyncStates.Queued or SyncStates.Running;
}

public static class SyncStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

public static class SyncKinds
{
    public const string Poll = "poll";
    public const string Reproject = "reproject";
}

/// <summary>GET /api/v1/sync: <c>{"data": [run, ...]}</c>, newest first.</summary>
public sealed record SyncRunList(IReadOnlyList<SyncRun> Data);

/// <summary>
/// What POST /api/v1/sync answers: the run of the connection asked for (or the first), every run it started or found,
/// and whether all of them were already queued or running (nothing new was started).
/// </summary>
public sealed record SyncStarted(Guid SyncRunId, IReadOnlyList<Guid> SyncRunIds, bool AlreadyRunning);

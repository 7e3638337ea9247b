using Npgsql;

namespace GrowHalo.EventStore.Projections;

/// <summary>
/// An asynchronous projection: applies batches of events to its read-model tables inside the transaction the
/// daemon gives it, which also advances the projection's progress, so the two always commit together.
/// </summary>
public interface IProjection
{
    /// <summary>Stable name: progress, ownership and failures are keyed by it.</summary>
    string Name { get; }

    /// <summary>The event types this projection reads; null for all.</summary>
    IReadOnlyCollection<string>? EventTypes { get; }

    /// <summary>
    /// How much of each event the projection's batches are given (<see cref="EventDetail"/>): everything by default.
    /// The less, the less the database sends and this process reads.
    /// </summary>
    EventDetail Reads => EventDetail.Bodies;

    /// <summary>
    /// The projection whose read models this one reads, if any. A follower never passes its leader: each page it is
    /// given ends at or before the leader's committed progress, so everything the leader wrote for those events is
    /// there to read. The two run side by side (each on its own connection), and are rebuilt together, leader first.
    /// </summary>
    string? Follows => null;

    /// <summary>
    /// A reducer for one page, or null (the default) to be handed every event's body. With a reducer, the feed gives it
    /// each event's body as the row is read and drops the body when <see cref="IEventReducer.Add"/> returns: only what
    /// the reducer keeps outlives the read, and a read-ahead page (the runner reads the next page while the current
    /// one is applied) arrives already reduced. <see cref="ApplyAsync"/> then gets events without bodies (their
    /// <see cref="StoredEvent.Data"/> is undefined) and the reduction of exactly those events as
    /// <see cref="ProjectionContext.Prepared"/>. A reducer that throws makes the batch fail as ApplyAsync throwing
    /// would: the runner retries event by event, each one reduced alone.
    /// </summary>
    IEventReducer? CreateReducer() => null;

    Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct);

    /// <summary>Deletes the projection's rows: all of them, or one tenant's. Called before a rebuild.</summary>
    Task ResetAsync(ProjectionContext context, string? tenantId, CancellationToken ct);
}

/// <summary>What a projection reads of each event it is given (<see cref="IProjection.Reads"/>).</summary>
public enum EventDetail
{
    /// <summary>Every column, the body included.</summary>
    Bodies,

    /// <summary>
    /// Who, what and when (tenant, stream, type, metadata, time), not the body: each event's <see cref="StoredEvent.Data"/>
    /// is undefined, and the server never turns the bodies back into text.
    /// </summary>
    Headers,

    /// <summary>
    /// Nothing: a batch is the range of the log after <see cref="ProjectionContext.From"/> up to and including
    /// <see cref="ProjectionContext.Through"/>, of one tenant when <see cref="ProjectionContext.TenantId"/> is set, and
    /// ApplyAsync is given no events. For a projection that works in SQL on that range (an aggregate of the events'
    /// columns, or rows keyed by position): the feed finds only where each page ends and how many events it covers.
    /// </summary>
    None,
}

public sealed record ProjectionContext(NpgsqlConnection Connection, NpgsqlTransaction Transaction)
{
    /// <summary>For a projection with a reducer (<see cref="IProjection.CreateReducer"/>), the reduction of this batch's events; otherwise null.</summary>
    public object? Prepared { get; init; }

    /// <summary>The position this batch starts after: where the projection stood.</summary>
    public FeedPosition From { get; init; }

    /// <summary>The position this batch moves the projection to: at or after its last event.</summary>
    public FeedPosition Through { get; init; }

    /// <summary>During a tenant's rebuild, that tenant: the batch's events are its events alone. Otherwise null (every tenant's).</summary>
    public string? TenantId { get; init; }

    public NpgsqlCommand Command(string sql) => new(sql, Connection, Transaction);

    /// <summary>
    /// "In this batch's range", over a table's tx_id and seq_id (the events', or rows keyed by position), for a
    /// <see cref="RangeCommand"/>, which binds its $1–$4. It names tx_id's own bounds as well: the planner cannot
    /// estimate a range of (tx_id, seq_id) pairs (a quarter of the table, it guesses) and then judged a sequential scan
    /// of the log cheaper than its index.
    /// </summary>
    public const string InRange =
        "tx_id between $1::text::xid8 and $3::text::xid8 and (tx_id, seq_id) > ($1::text::xid8, $2) and (tx_id, seq_id) <= ($3::text::xid8, $4)";

    /// <summary>A command whose $1–$4 are this batch's range (<see cref="InRange"/>); its own parameters start at $5.</summary>
    public NpgsqlCommand RangeCommand(string sql)
    {
        var cmd = Command(sql);
        cmd.Parameters.Add(new() { Value = From.TxId.ToString() });
        cmd.Parameters.Add(new() { Value = From.Sequence });
        cmd.Parameters.Add(new() { Value = Through.TxId.ToString() });
        cmd.Parameters.Add(new() { Value = Through.Sequence });
        return cmd;
    }
}

/// <summary>Turns a page of events into what a projection applies, one event at a time as the page is read.</summary>
public interface IEventReducer
{
    /// <summary>
    /// Takes one event, in feed order. Its <see cref="StoredEvent.Data"/> is readable only until this returns (its
    /// document is then disposed), so keep what is parsed or copied from it, never the elements themselves.
    /// </summary>
    void Add(StoredEvent e);

    /// <summary>The reduction of every event added, passed to the projection as <see cref="ProjectionContext.Prepared"/>.</summary>
    object Complete();
}

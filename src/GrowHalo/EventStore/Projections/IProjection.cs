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
    /// False when the projection needs only the events' headers (tenant, stream, type, metadata, time): the feed then
    /// leaves each event's <see cref="StoredEvent.Data"/> undefined and the server never turns the bodies back into text.
    /// </summary>
    bool ReadsData => true;

    /// <summary>
    /// The projection whose read models this one reads, if any. A follower never passes its leader: each page it is
    /// given ends at or before the leader's committed progress, so everything the leader wrote for those events is
    /// there to read. The two run side by side (each on its own connection), and are rebuilt together, leader first.
    /// </summary>
    string? Follows => null;

    /// <summary>
    /// Work on a page that needs no database — parsing, reducing — done off the applying path: when catching up, the
    /// runner prepares the next page while the current one is applied, and passes the result to
    /// <see cref="ApplyAsync"/> as <see cref="ProjectionContext.Prepared"/>. ApplyAsync must not rely on it (it is
    /// null for pages read in turn, and when preparing threw). The default prepares nothing.
    /// </summary>
    object? Prepare(IReadOnlyList<StoredEvent> events) => null;

    Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct);

    /// <summary>Deletes the projection's rows: all of them, or one tenant's. Called before a rebuild.</summary>
    Task ResetAsync(ProjectionContext context, string? tenantId, CancellationToken ct);
}

public sealed record ProjectionContext(NpgsqlConnection Connection, NpgsqlTransaction Transaction)
{
    /// <summary>What <see cref="IProjection.Prepare"/> made of these events, when the runner prepared them ahead.</summary>
    public object? Prepared { get; init; }

    /// <summary>The position this batch starts after: where the projection stood.</summary>
    public FeedPosition From { get; init; }

    /// <summary>The position this batch moves the projection to: at or after its last event.</summary>
    public FeedPosition Through { get; init; }

    public NpgsqlCommand Command(string sql) => new(sql, Connection, Transaction);
}

using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GrowHalo.EventStore.Projections;

/// <summary>
/// Applies one batch of a projection: lock its progress row, read the next page of the feed, apply, advance, commit.
/// The progress row lock makes two appliers of one projection (an owner that lost its lock, a rebuild) take turns,
/// so no event is ever applied twice. A batch that throws is retried event by event; an event that still throws is
/// recorded in projection_failures and passed over, so one poisonous event never stalls the projection.
/// </summary>
internal sealed class ProjectionRunner(NpgsqlDataSource dataSource, IProjection projection, int batchSize, ILogger logger)
{
    public IProjection Projection => projection;

    /// <summary>Whether the projection reduces its pages as they are read (its pages then hold no bodies).</summary>
    private readonly bool _reduces = projection.CreateReducer() is not null;

    /// <summary>
    /// How many events the batch covered (applied or recorded as failed), the sequence number of the last, and whether
    /// committed events wait behind an open transaction.
    /// </summary>
    public readonly record struct BatchResult(int Events, bool Blocked, long LastSequence = 0);

    /// <summary>How long to wait before looking again at events still held up (<see cref="BatchResult.Blocked"/>): 20 ms, doubling up to a second.</summary>
    public static TimeSpan BlockedRetryAfter(TimeSpan previous) =>
        previous == TimeSpan.Zero ? TimeSpan.FromMilliseconds(20) : TimeSpan.FromTicks(Math.Min(previous.Ticks * 2, TimeSpan.TicksPerSecond));

    public async Task<BatchResult> RunBatchAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var from = await LockProgressAsync(conn, tx, ct);
        var leader = await LeaderProgressAsync(conn, tx, ct);
        var page = await TakeReadAheadAsync(from) ?? await ReadAsync(conn, tx, from, leader, ct);
        if (page.Next == from) return new BatchResult(0, page.Blocked);
        // A full page means more are waiting: read the next one on another connection while this one is applied, so
        // the database's and this process's work overlap when catching up. (A follower's pages end at its leader's
        // progress, read afresh each batch: it reads in turn.)
        if (page.Count >= batchSize && leader is null) _readAhead = (page.Next, ReadAheadAsync(page.Next, ct));
        try
        {
            if (page.ReductionError is { } unreadable) ExceptionDispatchInfo.Throw(unreadable);
            if (page.Count > 0)
                await projection.ApplyAsync(page.Events, new ProjectionContext(conn, tx) { Prepared = page.Reduction, From = from, Through = page.Next }, ct);
            await SaveProgressAsync(conn, tx, page.Next, ct);
            await tx.CommitAsync(ct);
        }
        catch (Exception e) when (IsPoison(e))
        {
            await tx.RollbackAsync(CancellationToken.None);
            logger.LogWarning("Projection {Projection} batch of {Count} failed ({Error}); retrying event by event",
                projection.Name, page.Count, e.Message);
            await ApplyOneByOneAsync(page, from, ct);
        }
        if (page.Count > 0)
            logger.LogInformation("Projection {Projection} applied {Count} events up to {Position} in {Elapsed} ms",
                projection.Name, page.Count, page.Next, clock.ElapsedMilliseconds);
        return new BatchResult(page.Count, page.Blocked, page.Count > 0 ? page.Last.Sequence : 0);
    }

    private (FeedPosition From, Task<EventFeed.Page?> Page)? _readAhead;

    private Task<EventFeed.Page> ReadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, FeedPosition from, FeedPosition? upTo, CancellationToken ct) =>
        EventFeed.ReadAsync(conn, tx, from, batchSize, projection.EventTypes, upTo: upTo, detail: projection.Reads,
            reducer: projection.CreateReducer(), ct: ct);

    /// <summary>
    /// For a follower, the committed progress of the projection it follows (the start of the log if that one has none
    /// yet): this batch reads no further. Null for a projection that follows none.
    /// </summary>
    private async Task<FeedPosition?> LeaderProgressAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        if (projection.Follows is not { } leader) return null;
        await using var cmd = new NpgsqlCommand("select tx_id::text, seq_id from projection_progress where name = $1", conn, tx);
        cmd.Parameters.Add(new() { Value = leader });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new FeedPosition(ulong.Parse(reader.GetString(0)), reader.GetInt64(1)) : FeedPosition.Start;
    }

    /// <summary>
    /// The page read ahead from <paramref name="from"/>, if there is one. It is still exactly what a read now would
    /// return: it holds only events below its snapshot's horizon, which can no longer change. It is used only if
    /// progress stands where it started (nobody else applied that range meanwhile).
    /// </summary>
    private async Task<EventFeed.Page?> TakeReadAheadAsync(FeedPosition from)
    {
        if (_readAhead is not { } ahead) return null;
        _readAhead = null;
        var page = await ahead.Page;
        return ahead.From == from ? page : null;
    }

    /// <summary>The next page, read (and reduced, see <see cref="IProjection.CreateReducer"/>) off the applying path.</summary>
    private async Task<EventFeed.Page?> ReadAheadAsync(FeedPosition from, CancellationToken ct)
    {
        try
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            return await ReadAsync(conn, null, from, null, ct);
        }
        catch (Exception e) when (e is OperationCanceledException or NpgsqlException)
        {
            return null; // the next batch reads for itself, and reports the trouble if it persists
        }
    }

    /// <summary>
    /// A failed page's events, to retry one by one with <see cref="ApplyOneAsync"/>. A reducing projection's page holds
    /// no bodies, so it is read again, with them; a page of <see cref="EventDetail.None"/> holds no events, so their
    /// headers are read, for where each one ends and what a failure records.
    /// </summary>
    internal async Task<IReadOnlyList<StoredEvent>> EventsToRetryAsync(
        NpgsqlConnection conn, NpgsqlTransaction? tx, EventFeed.Page page, FeedPosition from, string? tenantId, CancellationToken ct)
    {
        if (page.Count == 0 || (!_reduces && projection.Reads != EventDetail.None)) return page.Events;
        var again = await EventFeed.ReadAsync(conn, tx, from, page.Count, projection.EventTypes, tenantId, upTo: page.Next,
            detail: _reduces ? EventDetail.Bodies : EventDetail.Headers, ct: ct);
        if (again.Count != page.Count || (page.Events.Count > 0 && !again.Events.Select(e => e.Position).SequenceEqual(page.Events.Select(e => e.Position))))
            throw new InvalidOperationException($"Projection {projection.Name}: re-reading events after {from} did not give the page back.");
        return again.Events;
    }

    /// <summary>
    /// Applies one event alone (reduced alone first, for a projection with a reducer; as the range up to it, for a
    /// projection that reads no events); throws what either throws.
    /// </summary>
    internal Task ApplyOneAsync(StoredEvent e, ProjectionContext context, CancellationToken ct)
    {
        if (projection.CreateReducer() is { } reducer)
        {
            reducer.Add(e);
            context = context with { Prepared = reducer.Complete() };
        }
        return projection.ApplyAsync(projection.Reads == EventDetail.None ? [] : [e], context, ct);
    }

    private async Task ApplyOneByOneAsync(EventFeed.Page page, FeedPosition from, CancellationToken ct)
    {
        IReadOnlyList<StoredEvent> events;
        await using (var read = await dataSource.OpenConnectionAsync(ct))
            events = await EventsToRetryAsync(read, null, page, from, null, ct);
        foreach (var e in events)
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            if (await LockProgressAsync(conn, tx, ct) != from) return; // someone else moved on; they own this range now
            try
            {
                await ApplyOneAsync(e, new ProjectionContext(conn, tx) { From = from, Through = e.Position }, ct);
            }
            catch (Exception error) when (IsPoison(error))
            {
                await tx.RollbackAsync(CancellationToken.None);
                await RecordFailureAsync(e, error, from, ct);
                from = e.Position;
                continue;
            }
            await SaveProgressAsync(conn, tx, e.Position, ct);
            await tx.CommitAsync(ct);
            from = e.Position;
        }
        await using var last = await dataSource.OpenConnectionAsync(ct);
        await using var lastTx = await last.BeginTransactionAsync(ct);
        if (await LockProgressAsync(last, lastTx, ct) == from) await SaveProgressAsync(last, lastTx, page.Next, ct);
        await lastTx.CommitAsync(ct);
    }

    private async Task RecordFailureAsync(StoredEvent e, Exception error, FeedPosition expected, CancellationToken ct)
    {
        logger.LogError(error, "Projection {Projection} failed on event {Sequence} ({Type}, tenant {Tenant}); recorded and skipped",
            projection.Name, e.Sequence, e.Type, e.TenantId);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await LockProgressAsync(conn, tx, ct) != expected) return;
        await InsertFailureAsync(conn, tx, e, error, ct);
        await SaveProgressAsync(conn, tx, e.Position, ct);
        await tx.CommitAsync(ct);
    }

    internal async Task InsertFailureAsync(NpgsqlConnection conn, NpgsqlTransaction tx, StoredEvent e, Exception error, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into projection_failures (projection, seq_id, event_id, tenant_id, event_type, error)
            values ($1, $2, $3, $4, $5, $6) on conflict (projection, seq_id) do update set error = excluded.error, failed_at = now()
            """, conn, tx);
        cmd.Parameters.Add(new() { Value = projection.Name });
        cmd.Parameters.Add(new() { Value = e.Sequence });
        cmd.Parameters.Add(new() { Value = e.Id });
        cmd.Parameters.Add(new() { Value = e.TenantId });
        cmd.Parameters.Add(new() { Value = e.Type });
        cmd.Parameters.Add(new() { Value = $"{error.GetType().Name}: {error.Message}" });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Transient database trouble is retried later; anything else thrown by a projection is the event's fault.</summary>
    internal static bool IsPoison(Exception e) => e is not OperationCanceledException && e is not NpgsqlException { IsTransient: true };

    internal async Task<FeedPosition> LockProgressAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using (var ensure = new NpgsqlCommand("insert into projection_progress (name) values ($1) on conflict do nothing", conn, tx))
        {
            ensure.Parameters.Add(new() { Value = projection.Name });
            await ensure.ExecuteNonQueryAsync(ct);
        }
        await using var cmd = new NpgsqlCommand("select tx_id::text, seq_id from projection_progress where name = $1 for update", conn, tx);
        cmd.Parameters.Add(new() { Value = projection.Name });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new FeedPosition(ulong.Parse(reader.GetString(0)), reader.GetInt64(1));
    }

    internal async Task SaveProgressAsync(NpgsqlConnection conn, NpgsqlTransaction tx, FeedPosition position, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "update projection_progress set tx_id = $2::text::xid8, seq_id = $3, updated_at = now() where name = $1", conn, tx);
        cmd.Parameters.Add(new() { Value = projection.Name });
        cmd.Parameters.Add(new() { Value = position.TxId.ToString() });
        cmd.Parameters.Add(new() { Value = position.Sequence });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

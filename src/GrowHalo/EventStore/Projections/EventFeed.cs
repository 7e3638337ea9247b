using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.EventStore.Projections;

/// <summary>
/// Reads the log in (tx_id, seq_id) order without ever skipping an event.
///
/// Why not just "seq_id greater than the last one seen"? Sequence numbers are drawn when a transaction inserts but
/// become visible when it commits, so seq 11 can be visible while seq 10 is still in flight (or will roll back);
/// a reader that moved past 11 would never see 10. Instead we take a snapshot's xmin first — every transaction with
/// an id below it has finished, committed or rolled back — and read only events whose transaction is below it.
/// Those rows can no longer change, so ordering by (tx_id, seq_id) and remembering the last pair is gap-free.
/// A page shorter than the limit has seen everything below xmin, so the position may jump to (xmin, 0).
///
/// The reader's own transaction counts as in flight too (a snapshot leaves it out of xmin): a projection that appends
/// events while it applies a batch would otherwise jump past its own events before they commit.
/// </summary>
internal static class EventFeed
{
    /// <param name="Events">The page's events, with the detail asked for; none at all for <see cref="EventDetail.None"/>.</param>
    /// <param name="Count">How many events the page covers (<paramref name="Events"/>' count, unless they were not read).</param>
    /// <param name="Last">The position of the page's last event; where it started when it has none.</param>
    /// <param name="Blocked">Committed events exist past <paramref name="Next"/> but an older transaction, still open
    /// somewhere on the server, keeps them unreadable. No notification comes when it ends: the caller should look again soon.</param>
    /// <param name="Reduction">With a reducer: what it made of <paramref name="Events"/> (whose bodies it alone saw), or null if it threw.</param>
    /// <param name="ReductionError">With a reducer: what it threw, if it did.</param>
    public sealed record Page(IReadOnlyList<StoredEvent> Events, int Count, FeedPosition Last, FeedPosition Next, bool Blocked = false)
    {
        public object? Reduction { get; init; }
        public Exception? ReductionError { get; init; }
    }

    public static async Task<Page> ReadAsync(
        NpgsqlConnection conn, NpgsqlTransaction? tx, FeedPosition after, int limit,
        IReadOnlyCollection<string>? types = null, string? tenantId = null, FeedPosition? upTo = null, EventDetail detail = EventDetail.Bodies,
        IEventReducer? reducer = null, CancellationToken ct = default)
    {
        ulong safeBelow;
        await using (var snap = new NpgsqlCommand("""
            select least(pg_snapshot_xmin(s), coalesce(pg_current_xact_id_if_assigned(), pg_snapshot_xmin(s)))::text
            from pg_current_snapshot() s
            """, conn, tx))
            safeBelow = ulong.Parse((string)(await snap.ExecuteScalarAsync(ct))!);

        var columns = detail switch
        {
            EventDetail.Bodies => EventReader.Columns,
            EventDetail.Headers => EventReader.HeaderColumns,
            _ => "tx_id, seq_id, tx_id::text as tx_text",
        };
        var page = $"""
            select {columns} from events
            where (tx_id, seq_id) > ($1::text::xid8, $2)
              and tx_id < $3::text::xid8
              and ($4::text[] is null or type = any($4))
              and ($5::text is null or tenant_id = $5)
              and ($6::text is null or (tx_id, seq_id) <= ($6::text::xid8, $7))
            order by events.tx_id, events.seq_id
            limit $8
            """;
        // Without events, only where the page ends and how many it covers: the last row of the page, counted.
        await using var cmd = new NpgsqlCommand(detail != EventDetail.None ? page : $"""
            select p.tx_text, p.seq_id, count(*) over ()
            from ({page}) p
            order by p.tx_id desc, p.seq_id desc limit 1
            """, conn, tx);
        cmd.Parameters.Add(new() { Value = after.TxId.ToString() });
        cmd.Parameters.Add(new() { Value = after.Sequence });
        cmd.Parameters.Add(new() { Value = safeBelow.ToString() });
        cmd.Parameters.Add(TypesParameter(types));
        cmd.Parameters.Add(new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)upTo?.TxId.ToString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = upTo?.Sequence ?? 0L });
        cmd.Parameters.Add(new() { Value = limit });
        if (detail == EventDetail.None)
        {
            (FeedPosition End, int Count) covered = (after, 0);
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                if (await r.ReadAsync(ct)) covered = (new FeedPosition(ulong.Parse(r.GetString(0)), r.GetInt64(1)), (int)r.GetInt64(2));
            return await PageAsync(conn, tx, after, limit, types, tenantId, upTo, safeBelow, [], covered.Count, covered.End, ct);
        }
        var (events, error) = reducer is null ? (await EventReader.ReadAllAsync(cmd, ct), null) : await EventReader.ReduceAllAsync(cmd, reducer, ct);
        object? reduction = null;
        if (reducer is not null && error is null)
        {
            try { reduction = reducer.Complete(); }
            catch (Exception thrown) { error = thrown; }
        }
        var last = events.Count > 0 ? events[^1].Position : after;
        return await PageAsync(conn, tx, after, limit, types, tenantId, upTo, safeBelow, events, events.Count, last, ct) with { Reduction = reduction, ReductionError = error };
    }

    private static async Task<Page> PageAsync(
        NpgsqlConnection conn, NpgsqlTransaction? tx, FeedPosition after, int limit, IReadOnlyCollection<string>? types, string? tenantId,
        FeedPosition? upTo, ulong safeBelow, IReadOnlyList<StoredEvent> events, int count, FeedPosition last, CancellationToken ct)
    {
        var next = last;
        if (count >= limit) return new Page(events, count, last, next);
        // Short of the limit: every event up to the bound has been read (a bound is a position some projection
        // reached, so nothing at or below it can still commit).
        if (upTo is { } bound) return new Page(events, count, last, bound > next ? bound : next);
        var caughtUp = new FeedPosition(safeBelow, 0);
        if (caughtUp > next) next = caughtUp;
        return new Page(events, count, last, next, count == 0 && await AnyAfterAsync(conn, tx, next, types, tenantId, ct));
    }

    private static async Task<bool> AnyAfterAsync(
        NpgsqlConnection conn, NpgsqlTransaction? tx, FeedPosition after, IReadOnlyCollection<string>? types, string? tenantId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select exists (select 1 from events
                           where (tx_id, seq_id) > ($1::text::xid8, $2)
                             and ($3::text[] is null or type = any($3)) and ($4::text is null or tenant_id = $4))
            """, conn, tx);
        cmd.Parameters.Add(new() { Value = after.TxId.ToString() });
        cmd.Parameters.Add(new() { Value = after.Sequence });
        cmd.Parameters.Add(TypesParameter(types));
        cmd.Parameters.Add(new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static NpgsqlParameter TypesParameter(IReadOnlyCollection<string>? types) =>
        new() { Value = (object?)types?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
}

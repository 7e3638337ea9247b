using Npgsql;

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
/// </summary>
internal static class EventFeed
{
    public sealed record Page(IReadOnlyList<StoredEvent> Events, FeedPosition Next);

    public static async Task<Page> ReadAsync(
        NpgsqlConnection conn, NpgsqlTransaction? tx, FeedPosition after, int limit,
        IReadOnlyCollection<string>? types = null, string? tenantId = null, FeedPosition? upTo = null, CancellationToken ct = default)
    {
        ulong safeBelow;
        await using (var snap = new NpgsqlCommand("select pg_snapshot_xmin(pg_current_snapshot())::text", conn, tx))
            safeBelow = ulong.Parse((string)(await snap.ExecuteScalarAsync(ct))!);

        await using var cmd = new NpgsqlCommand($"""
            select {EventReader.Columns} from events
            where (tx_id, seq_id) > ($1::text::xid8, $2)
              and tx_id < $3::text::xid8
              and ($4::text[] is null or type = any($4))
              and ($5::text is null or tenant_id = $5)
              and ($6::text is null or (tx_id, seq_id) <= ($6::text::xid8, $7))
            order by tx_id, seq_id
            limit $8
            """, conn, tx);
        cmd.Parameters.Add(new() { Value = after.TxId.ToString() });
        cmd.Parameters.Add(new() { Value = after.Sequence });
        cmd.Parameters.Add(new() { Value = safeBelow.ToString() });
        cmd.Parameters.Add(new() { Value = (object?)types?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)upTo?.TxId.ToString() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = upTo?.Sequence ?? 0L });
        cmd.Parameters.Add(new() { Value = limit });
        var events = await EventReader.ReadAllAsync(cmd, ct);

        var next = events.Count > 0 ? events[^1].Position : after;
        if (events.Count < limit && upTo is null)
        {
            var caughtUp = new FeedPosition(safeBelow, 0);
            if (caughtUp > next) next = caughtUp;
        }
        return new Page(events, next);
    }
}

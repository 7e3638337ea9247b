using GrowHalo.EventStore;
using GrowHalo.EventStore.Projections;
using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.Dashboard.Live;

/// <summary>
/// Which tenants a projection's last batches concerned. The daemon applies events in (tx_id, seq_id) order and never
/// skips one, so the events applied between two readings of its progress are exactly those in (before, now]; the
/// tenants among them are the ones whose dashboards changed. The (tenant_id, tx_id, seq_id) index makes this a probe.
/// </summary>
public sealed class TenantsTouchedQuery(NpgsqlDataSource db, IEnumerable<IProjection> projections)
{
    private readonly Dictionary<string, string[]?> _types = projections.ToDictionary(p => p.Name, p => p.EventTypes?.ToArray());

    public async Task<Dictionary<string, FeedPosition>> PositionsAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select name, tx_id::text, seq_id from projection_progress");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var positions = new Dictionary<string, FeedPosition>();
        while (await r.ReadAsync(ct)) positions[r.GetString(0)] = new FeedPosition(ulong.Parse(r.GetString(1)), r.GetInt64(2));
        return positions;
    }

    public async Task<IReadOnlyList<string>> TouchedAsync(string projection, FeedPosition after, FeedPosition upTo, IReadOnlyList<string> tenantIds, CancellationToken ct)
    {
        if (tenantIds.Count == 0 || upTo.CompareTo(after) <= 0) return [];
        await using var cmd = db.CreateCommand("""
            select t.id from unnest($1::text[]) t(id)
            where exists (
                select 1 from events e
                where e.tenant_id = t.id
                  and (e.tx_id, e.seq_id) > ($2::text::xid8, $3)
                  and (e.tx_id, e.seq_id) <= ($4::text::xid8, $5)
                  and ($6::text[] is null or e.type = any($6)))
            """);
        cmd.Parameters.Add(new() { Value = tenantIds.ToArray() });
        cmd.Parameters.Add(new() { Value = after.TxId.ToString() });
        cmd.Parameters.Add(new() { Value = after.Sequence });
        cmd.Parameters.Add(new() { Value = upTo.TxId.ToString() });
        cmd.Parameters.Add(new() { Value = upTo.Sequence });
        cmd.Parameters.Add(new() { Value = (object?)_types.GetValueOrDefault(projection) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var touched = new List<string>();
        while (await r.ReadAsync(ct)) touched.Add(r.GetString(0));
        return touched;
    }
}

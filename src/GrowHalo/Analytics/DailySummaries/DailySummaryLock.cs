using Npgsql;

namespace GrowHalo.Analytics.DailySummaries;

/// <summary>
/// Serialises the writers of a tenant's read models: the commerce projection and admin recomputations (fx loads,
/// POST /metrics/aggregate). Without it, a recomputation that read the documents before the other committed could
/// overwrite a newer summary. Taken first in each transaction, in tenant order, so the writers cannot deadlock.
/// </summary>
public static class DailySummaryLock
{
    public static async Task AcquireAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IEnumerable<string> tenantIds, CancellationToken ct)
    {
        var ids = tenantIds.Distinct().Order(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0) return;
        await using var cmd = new NpgsqlCommand("""
            select count(*) from (
                select pg_advisory_xact_lock(hashtextextended('growhalo:read-models:' || s.id, 0))
                from (select id from unnest($1::text[]) as u(id) order by id) s) locked
            """, conn, tx);
        cmd.Parameters.Add(new() { Value = ids });
        await cmd.ExecuteScalarAsync(ct);
    }
}

using Npgsql;

namespace GrowHalo.Analytics.DailySummaries;

/// <summary>
/// Serialises the recomputations of a tenant's daily summaries: the commerce projection's (daemon or rebuild) and admin
/// ones (fx loads, POST /metrics/aggregate). Without it, a recomputation that read the documents before the other
/// committed could overwrite a newer summary. Taken in tenant order, right before the recompute, after the holder has
/// written everything else: while it is held nothing but summaries is written, so the holder waits for no one and the
/// writers cannot deadlock. (An fx load, which also rewrites customers, first takes the customer-facts lock.)
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

using GrowHalo.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Analytics.Customers.Scoring;

/// <summary>
/// A tenant's scoring runs one at a time (servers and requests may start one together): a transaction-scoped
/// advisory lock per tenant, under a shared lock that forgetting every tenant's scores takes exclusively, so a
/// scoring in flight during a rebuild finishes before its run is forgotten, never after.
/// </summary>
internal static class CustomerScoreLocks
{
    private const string All = "select pg_advisory_xact_lock(hashtextextended('growhalo:customer-scores', 0))";

    public static async Task TakeAsync(TenantDb db, CancellationToken ct)
    {
        await using var cmd = db.Command("""
            select pg_advisory_xact_lock_shared(hashtextextended('growhalo:customer-scores', 0)),
                   pg_advisory_xact_lock(hashtextextended('growhalo:customer-scores:' || $1, 0))
            """, db.TenantId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deletes the runs of one tenant or of all (their scores stay visible until the rescoring replaces them).</summary>
    public static async Task ForgetRunsAsync(TenantDatabases databases, string? tenantId, CancellationToken ct)
    {
        foreach (var dataSource in tenantId is null ? await databases.AllAsync(ct) : [await databases.ForTenantAsync(tenantId, ct)])
            await ForgetRunsAsync(dataSource, tenantId, ct);
    }

    private static async Task ForgetRunsAsync(NpgsqlDataSource dataSource, string? tenantId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var lockSql = tenantId is null ? All : "select pg_advisory_xact_lock(hashtextextended('growhalo:customer-scores:' || $1, 0))";
        await using (var take = new NpgsqlCommand(lockSql, conn, tx))
        {
            if (tenantId is not null) take.Parameters.Add(new() { Value = tenantId });
            await take.ExecuteNonQueryAsync(ct);
        }
        await using (var delete = new NpgsqlCommand("delete from customer_score_runs where $1::text is null or tenant_id = $1", conn, tx))
        {
            delete.Parameters.Add(new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            await delete.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }
}

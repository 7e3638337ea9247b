using GrowHalo.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Ingestion.ShopifyApp;

/// <summary>
/// Starts an installed shop's first sync. Today that makes its poll due now (polling_cursors.next_attempt_at), so
/// the polling service's next tick backfills it; when sync runs exist, this one method starts one instead.
/// </summary>
public sealed class FirstSync(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task StartAsync(string tenantId, string connectionId, CancellationToken ct)
    {
        await using var db = await TenantDb.BeginAsync(dataSource, tenantId, ct);
        await using (var cmd = db.Command("update polling_cursors set next_attempt_at = $2 where connection_id = $1", connectionId, clock.GetUtcNow()))
            await cmd.ExecuteNonQueryAsync(ct);
        await db.CommitAsync(ct);
    }
}

using GrowHalo.Ingestion.Sync;

namespace GrowHalo.Ingestion.ShopifyApp;

/// <summary>
/// Starts an installed shop's first sync: a sync run like "Sync now" (<see cref="SyncStarter"/>), so the dashboard
/// shows its progress from the moment the merchant lands back on it. A reinstall while a run is under way gets that run.
/// </summary>
public sealed class FirstSync(SyncStarter starter)
{
    public async Task<Guid?> StartAsync(string tenantId, string connectionId, CancellationToken ct)
    {
        var started = await starter.StartAsync(tenantId, connectionId, full: false, ct);
        return started.Runs.Count > 0 ? started.Runs[0].Run.Id : null;
    }
}

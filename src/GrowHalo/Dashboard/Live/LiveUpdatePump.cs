using GrowHalo.Platform.Events.Projections;
using GrowHalo.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Dashboard.Live;

/// <summary>
/// Listens on <see cref="ProjectionRun.Channel"/>, which every projection page notifies in its own transaction with the
/// tenants it touched (PostgreSQL delivers it when the page commits, on whichever node ran it), and tells the watched
/// ones' dashboards. "*" means every tenant (a page with too many to name). One listener per data database; a
/// database added while the server runs is listened to within <see cref="LookAgain"/>.
/// </summary>
internal sealed class LiveUpdatePump(TenantDatabases databases, LiveUpdates live, ILogger<LiveUpdatePump> logger) : BackgroundService
{
    private static readonly TimeSpan LookAgain = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var listening = new Dictionary<string, Task>(StringComparer.Ordinal);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                foreach (var database in await databases.ListAsync(ct))
                    if (!listening.ContainsKey(database.Id)) listening[database.Id] = ListenAsync(database.DataSource, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning("Could not list the data databases for live dashboards: {Error}", e.Message);
            }
            try { await Task.Delay(LookAgain, ct); } catch (OperationCanceledException) { }
        }
        await Task.WhenAll(listening.Values);
    }

    private async Task ListenAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await Task.Yield();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync(ct);
                conn.Notification += (_, n) => Dispatch(n.Payload);
                await using (var listen = new NpgsqlCommand($"listen {ProjectionRun.Channel}", conn)) await listen.ExecuteNonQueryAsync(ct);
                while (!ct.IsCancellationRequested) await conn.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            catch (Exception e)
            {
                // Never let this stop the host: listen again shortly; dashboards also refresh on their own.
                logger.LogWarning(e, "Lost the projection notifications for live dashboards; listening again in 1 s");
                live.Publish(live.WatchedTenants);
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); } catch (OperationCanceledException) { }
            }
        }
    }

    private void Dispatch(string payload)
    {
        var watched = live.WatchedTenants;
        if (watched.Count == 0) return;
        var tenants = payload[(payload.IndexOf(':') + 1)..];
        if (tenants == "*") { live.Publish(watched); return; }
        var touched = tenants.Split(',').ToHashSet(StringComparer.Ordinal);
        var hit = watched.Where(touched.Contains).ToList();
        if (hit.Count > 0) live.Publish(hit);
    }
}

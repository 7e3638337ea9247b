using System.Threading.Channels;
using GrowHalo.EventStore;
using GrowHalo.EventStore.Projections;

namespace GrowHalo.Dashboard.Live;

/// <summary>
/// Turns <see cref="ProjectionDaemon.BatchCommitted"/> into per-tenant "changed" notifications. The daemon's event
/// only names the projection, so after each commit the pump reads the projection's new position and asks which
/// watched tenants had events in between (<see cref="TenantsTouchedQuery"/>). The daemon's loop only enqueues.
/// </summary>
internal sealed class LiveUpdatePump(ProjectionDaemon daemon, LiveUpdates live, TenantsTouchedQuery query, ILogger<LiveUpdatePump> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var committed = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        void OnCommitted(string projection) => committed.Writer.TryWrite(projection);
        daemon.BatchCommitted += OnCommitted;
        try
        {
            var seen = await StartingPositionsAsync(ct);
            while (await committed.Reader.WaitToReadAsync(ct))
            {
                var names = new HashSet<string>();
                while (committed.Reader.TryRead(out var name)) names.Add(name);
                foreach (var name in names) await DispatchAsync(name, seen, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            daemon.BatchCommitted -= OnCommitted;
        }
    }

    // Without them (database briefly away) the first batch is compared with the start of the log: still exact, a
    // little more work once. Never let this stop the host.
    private async Task<Dictionary<string, FeedPosition>> StartingPositionsAsync(CancellationToken ct)
    {
        try
        {
            return await query.PositionsAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not read projection positions for live updates; starting from the beginning of the log");
            return [];
        }
    }

    private async Task DispatchAsync(string projection, Dictionary<string, FeedPosition> seen, CancellationToken ct)
    {
        try
        {
            var now = (await query.PositionsAsync(ct)).GetValueOrDefault(projection, FeedPosition.Start);
            var before = seen.GetValueOrDefault(projection, FeedPosition.Start);
            seen[projection] = now;
            var watched = live.WatchedTenants;
            if (watched.Count == 0) return;
            // A position that went backwards is a rebuild: everyone's figures may have changed.
            var touched = now < before ? watched : await query.TouchedAsync(projection, before, now, watched, ct);
            if (touched.Count > 0) live.Publish(touched);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not work out which dashboards projection {Projection} changed; they update on the next batch", projection);
        }
    }
}

using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Polling;
using GrowHalo.Platform.Events.Projections;
using Microsoft.Extensions.Options;

namespace GrowHalo.Ingestion.Sync;

/// <summary>
/// Executes sync runs. The <c>sync_runs</c> table is the queue: a run is claimed with <c>FOR UPDATE SKIP LOCKED</c>
/// (one server per run), reports a heartbeat with its progress, and is taken over by another server when its
/// heartbeat stops for <see cref="SyncOptions.Lease"/>. A poll run is one <see cref="ConnectionPoller"/> pass watched by
/// <see cref="RunProgress"/>; a re-projection is <see cref="ProjectionRebuilder"/> over the tenant's events.
/// </summary>
public sealed class SyncRunService(
    SyncRunStore runs, ConnectionStore connections, ConnectionPoller poller, PollCursorStore cursors, ProjectionRebuilder rebuilder,
    IOptions<SyncOptions> options, ILogger<SyncRunService> logger) : BackgroundService
{
    private readonly SemaphoreSlim _nudge = new(0);

    /// <summary>A run was queued on this server: look now rather than at the next tick.</summary>
    public void Nudge()
    {
        if (_nudge.CurrentCount == 0) _nudge.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            running.RemoveAll(t => t.IsCompleted);
            try
            {
                while (running.Count < options.Value.MaxParallel && await runs.ClaimAsync(options.Value.Lease, stoppingToken) is { } claimed)
                    running.Add(Task.Run(() => RunAsync(claimed.TenantId, claimed.Run, stoppingToken), stoppingToken));
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Never let this stop the host (a hosted service's exception would): look again at the next tick.
                logger.LogWarning("Sync runs could not look for queued runs: {Error}", e.Message);
            }
            try { await _nudge.WaitAsync(options.Value.Tick, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
        await Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task RunAsync(string tenantId, SyncRun run, CancellationToken ct)
    {
        var progress = new RunProgress(tenantId, run.Id, runs, options.Value.ProgressInterval);
        try
        {
            var (state, error) = run.Kind == SyncKinds.Reproject
                ? await ReprojectAsync(tenantId, progress, ct)
                : await PollAsync(tenantId, run, progress, ct);
            var done = state == SyncStates.Completed;
            await runs.FinishAsync(tenantId, run.Id, state, progress.Snapshot(done ? "done" : state == SyncStates.Cancelled ? $"cancelled after {progress.Step ?? "no page"}" : null,
                done ? 100m : null), error, CancellationToken.None);
            logger.LogInformation("Sync run {Run} ({Kind}) of tenant {Tenant}: {State}, {Fetched} fetched, {Stored} stored",
                run.Id, run.Kind, tenantId, state, progress.Fetched, progress.Stored);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The server stops: the run stays running, and its lease runs out for another server to take it over.
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Sync run {Run} of tenant {Tenant} failed", run.Id, tenantId);
            await runs.FinishAsync(tenantId, run.Id, SyncStates.Failed, progress.Snapshot(), e.Message, CancellationToken.None);
        }
    }

    private async Task<(string State, string? Error)> PollAsync(string tenantId, SyncRun run, RunProgress progress, CancellationToken ct)
    {
        var connection = await connections.FindAsync(tenantId, run.ConnectionId!, ct);
        if (connection is not { Enabled: true })
            return (SyncStates.Failed, $"Connection {run.ConnectionId} is disabled or gone; enable it with PATCH /api/v1/ingest/connections/{run.ConnectionId} and sync again.");
        await cursors.PrepareRunAsync(connection.TenantId, connection.Id, run.Full, options.Value.Lease, ct);
        try
        {
            var outcome = await poller.PollAsync(connection, progress, ct);
            return outcome.Succeeded ? (SyncStates.Completed, null) : (SyncStates.Failed, outcome.Error);
        }
        catch (PassCancelledException)
        {
            return (SyncStates.Cancelled, null);
        }
    }

    /// <summary>
    /// Every projection replayed over the tenant's events (a time zone or currency change moves days and amounts),
    /// one after the other; percent counts each projection's share of events replayed.
    /// </summary>
    private async Task<(string State, string? Error)> ReprojectAsync(string tenantId, RunProgress progress, CancellationToken ct)
    {
        // Nothing to replay: leave the projections alone (on a store without events the daemon has no progress rows
        // yet, and a rebuild would create them from under it).
        if (!await runs.HasEventsAsync(tenantId, ct)) return (SyncStates.Completed, null);
        var names = rebuilder.Names.ToList();
        var replayed = new Dictionary<string, long>();
        var reporter = new Progress(p =>
        {
            replayed[p.Projection] = p.Processed;
            var index = Math.Max(0, names.IndexOf(p.Projection));
            var share = p.Total == 0 ? 1m : (decimal)p.Processed / p.Total;
            progress.Set($"{p.Projection}: {p.Processed:N0} of {p.Total:N0} events", replayed.Values.Sum(),
                (long)Math.Round((index + share) * 1000), names.Count * 1000L);
        });
        var rebuild = rebuilder.RebuildAsync(null, tenantId, reporter, ct);
        while (await Task.WhenAny(rebuild, Task.Delay(options.Value.ProgressInterval, ct)) != rebuild)
            await progress.FlushAsync(ct);
        await rebuild;
        return (SyncStates.Completed, null);
    }

    /// <summary>Reports on the rebuild's own thread (System.Progress would post them out of order).</summary>
    private sealed class Progress(Action<RebuildProgress> report) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => report(value);
    }
}

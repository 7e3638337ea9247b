using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowHalo.EventStore.Projections;

public sealed class ProjectionDaemonOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>Events per batch when catching up. 2,000 projected a 1,000,000-event backlog about 30% faster than 1,000
    /// (fewer statements per event). Since pages are reduced as they are read (bodies do not pile up) and the customers
    /// projection follows commerce, 4,000 was 3–10 % faster again than 2,000, for a peak 25–40 MB higher; 8,000 was
    /// no faster. See README "Performance".</summary>
    public int BatchSize { get; set; } = DefaultBatchSize;

    public const int DefaultBatchSize = 4000;
    /// <summary>Slow poll, the fallback when a notification is missed.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>How often a process that does not own a projection tries to take it over.</summary>
    public TimeSpan TakeoverInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>
    /// How long an up-to-date projection waits, once woken by an append, before it reads: appends that arrive close
    /// together (a stream of webhooks) are then applied as one batch rather than one each, which costs far less per
    /// event, for a few milliseconds more lag. Zero reads at once. A follower reads at once: what wakes it to some
    /// purpose is its leader's commit, which is a batch already.
    /// </summary>
    public TimeSpan WakeDelay { get; set; } = TimeSpan.FromMilliseconds(20);
    /// <summary>
    /// How many batches a projection may run ahead of a follower running in the same process before it waits for it
    /// (see <see cref="FollowerPacing"/>). Zero lets a leader run ahead as far as it can.
    /// </summary>
    public int MaxFollowerLagBatches { get; set; } = 2;
}

/// <summary>
/// Runs every registered projection in this process, each in its own loop so one slow or failing projection does not
/// hold up the others. A loop first takes ownership (see <see cref="ProjectionLock"/>); without it, it waits and
/// retries, which is how a second process takes over when the owner dies.
/// </summary>
public sealed class ProjectionDaemon(
    NpgsqlDataSource dataSource, IEnumerable<IProjection> projections, IOptions<ProjectionDaemonOptions> options,
    ILogger<ProjectionDaemon> logger) : BackgroundService
{
    private readonly ProjectionDaemonOptions _options = options.Value;
    private readonly Dictionary<string, WakeSignal> _signals = projections.ToDictionary(p => p.Name, _ => new WakeSignal());
    private readonly FollowerPacing _pacing = new(projections, (long)options.Value.MaxFollowerLagBatches * options.Value.BatchSize);

    /// <summary>Raised after a projection commits a batch; the dashboard's live updates hang off it.</summary>
    public event Action<string>? BatchCommitted;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (!_options.Enabled) return;
        var notifications = new EventNotifications(dataSource, logger);
        notifications.Subscribe(_ => { foreach (var s in _signals.Values) s.Set(); });
        var loops = projections.Select(p => Task.Run(() => RunAsync(p, _signals[p.Name], ct), ct)).ToList();
        loops.Add(Task.Run(() => notifications.ListenAsync(ct), ct));
        await Task.WhenAll(loops);
    }

    private async Task RunAsync(IProjection projection, WakeSignal wake, CancellationToken ct)
    {
        var runner = new ProjectionRunner(dataSource, projection, _options.BatchSize, logger);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (await ProjectionLock.RebuildRequestedAsync(dataSource, projection.Name, ct)) { await Delay(ct); continue; }
                await using var ownership = await ProjectionLock.TryOwnAsync(dataSource, projection.Name, ct);
                if (ownership is null) { await Delay(ct); continue; }
                logger.LogInformation("This process now owns projection {Projection}", projection.Name);
                await RunOwnedAsync(runner, ownership, wake, ct);
                logger.LogInformation("Handing projection {Projection} over", projection.Name);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                logger.LogError(e, "Projection {Projection} loop failed; retrying", projection.Name);
                await Delay(ct);
            }
        }
    }

    private async Task RunOwnedAsync(ProjectionRunner runner, ProjectionLock ownership, WakeSignal wake, CancellationToken ct)
    {
        var retry = TimeSpan.Zero;
        _pacing.Started(runner.Projection);
        while (!ct.IsCancellationRequested)
        {
            if (await ownership.RebuildRequestedAsync(ct)) return;
            await _pacing.WaitForFollowersAsync(runner.Projection, ct);
            var batch = await runner.RunBatchAsync(ct);
            if (batch.Events > 0)
            {
                retry = TimeSpan.Zero;
                _pacing.Applied(runner.Projection, batch.LastSequence);
                // Its followers may read on now (in this process; others' followers hear of appends, or poll).
                foreach (var follower in _pacing.FollowersOf(runner.Projection)) _signals[follower].Set();
                BatchCommitted?.Invoke(runner.Projection.Name);
                continue;
            }
            // Committed events wait behind an older transaction that is still open (transaction ids are server-wide,
            // so it may even be in another database): its end sends no notification, so look again soon, backing off.
            // Otherwise nothing is new: sleep until an append notifies us, with the slow poll in case one is lost.
            retry = batch.Blocked ? ProjectionRunner.BlockedRetryAfter(retry) : TimeSpan.Zero;
            if (await wake.WaitAsync(batch.Blocked && retry < _options.PollInterval ? retry : _options.PollInterval, ct)
                && _options.WakeDelay > TimeSpan.Zero && runner.Projection.Follows is null)
                await Task.Delay(_options.WakeDelay, ct);
            if (!await ownership.IsAliveAsync(ct)) return;
        }
    }

    private Task Delay(CancellationToken ct) =>
        Task.Delay(_options.TakeoverInterval, ct).ContinueWith(_ => { }, CancellationToken.None);
}

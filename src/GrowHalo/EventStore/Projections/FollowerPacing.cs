using System.Collections.Concurrent;
using System.Diagnostics;

namespace GrowHalo.EventStore.Projections;

/// <summary>
/// Keeps a projection from running far ahead of the followers that run beside it in this process.
///
/// A follower reads only what its leader has committed, and the two compete for the same cores. Left alone, a leader
/// catching up with a backlog can pull ahead by a hundred thousand events or more. The follower's read models (new
/// customers, CAC) then trail revenue by minutes. Its work also gets dearer: the rows it reads have long left
/// PostgreSQL's cache, and it works on alone at the end, on one core. So before each batch, a leader waits while a
/// follower is more than the allowed lag behind it.
///
/// A follower counts only while it is making progress here: one that has not committed for
/// <see cref="StallAfter"/> (stuck, failing, idle, or owned by another process) is not waited for. One that has just
/// started and not yet committed counts as far behind, for that long at most: its first batch may take a while.
/// Lag is measured in sequence numbers, which approximates events; it decides only when to wait, never what is read.
/// </summary>
internal sealed class FollowerPacing(IEnumerable<IProjection> projections, long maxLagEvents)
{
    public static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(2);

    private readonly ILookup<string, string> _followers =
        projections.Where(p => p.Follows is not null).ToLookup(p => p.Follows!, p => p.Name);

    private readonly ConcurrentDictionary<string, (long Sequence, long At)> _applied = new();
    private readonly ConcurrentDictionary<string, WakeSignal> _followerCommitted = new();

    /// <summary>The names of the projections that follow <paramref name="leader"/>.</summary>
    public IEnumerable<string> FollowersOf(IProjection leader) => _followers[leader.Name];

    /// <summary>Notes that <paramref name="projection"/> has started applying batches here, from a position not yet known.</summary>
    public void Started(IProjection projection) => _applied[projection.Name] = (0, Stopwatch.GetTimestamp());

    /// <summary>Notes the last event a batch of <paramref name="projection"/> committed, and wakes its leader if it waits.</summary>
    public void Applied(IProjection projection, long lastSequence)
    {
        _applied[projection.Name] = (lastSequence, Stopwatch.GetTimestamp());
        if (projection.Follows is { } leader) SignalOf(leader).Set();
    }

    /// <summary>Returns when no follower of <paramref name="leader"/> that is making progress lags more than the limit.</summary>
    public async Task WaitForFollowersAsync(IProjection leader, CancellationToken ct)
    {
        if (maxLagEvents <= 0 || !_followers.Contains(leader.Name) || !_applied.TryGetValue(leader.Name, out var mine)) return;
        while (!ct.IsCancellationRequested && _followers[leader.Name].Any(f => Lags(f, mine.Sequence)))
            await SignalOf(leader.Name).WaitAsync(StallAfter, ct);
    }

    private bool Lags(string follower, long leaderSequence) =>
        _applied.TryGetValue(follower, out var at)
        && Stopwatch.GetElapsedTime(at.At) < StallAfter
        && leaderSequence - at.Sequence > maxLagEvents;

    private WakeSignal SignalOf(string leader) => _followerCommitted.GetOrAdd(leader, _ => new WakeSignal());
}

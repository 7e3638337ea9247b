using System.Collections.Concurrent;
using System.Threading.Channels;

namespace GrowHalo.Dashboard.Live;

/// <summary>
/// Who is watching which tenant's dashboard right now. <see cref="LiveUpdatePump"/> tells it which tenants' data
/// changed; each open live stream of those tenants then gets one "changed" (bursts collapse into one).
/// </summary>
public sealed class LiveUpdates
{
    private readonly ConcurrentDictionary<LiveSubscription, byte> _subscriptions = new();

    public LiveSubscription Subscribe(string tenantId)
    {
        var subscription = new LiveSubscription(tenantId, this);
        _subscriptions.TryAdd(subscription, 0);
        return subscription;
    }

    public IReadOnlyList<string> WatchedTenants => _subscriptions.Keys.Select(s => s.TenantId).Distinct().ToList();

    public void Publish(IReadOnlyCollection<string> tenantIds)
    {
        foreach (var subscription in _subscriptions.Keys)
            if (tenantIds.Contains(subscription.TenantId)) subscription.Notify();
    }

    internal void Remove(LiveSubscription subscription) => _subscriptions.TryRemove(subscription, out _);
}

public sealed class LiveSubscription(string tenantId, LiveUpdates owner) : IDisposable
{
    // One pending notification is enough: the page re-reads everything it shows when told.
    private readonly Channel<bool> _pending = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public string TenantId => tenantId;

    internal void Notify() => _pending.Writer.TryWrite(true);

    /// <summary>Takes a pending change without waiting.</summary>
    public bool TryTake() => _pending.Reader.TryRead(out _);

    /// <summary>True when a change arrived, false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        try
        {
            return await _pending.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => owner.Remove(this);
}

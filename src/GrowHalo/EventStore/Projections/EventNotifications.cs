using Microsoft.Extensions.Logging;
using Npgsql;

namespace GrowHalo.EventStore.Projections;

/// <summary>
/// LISTENs on the channel that <c>append_events</c> notifies at commit and wakes every subscriber.
/// A lost connection is re-opened; the daemon's slow poll covers the gap meanwhile.
/// </summary>
internal sealed class EventNotifications(NpgsqlDataSource dataSource, ILogger logger)
{
    public const string Channel = "growhalo_events";
    private readonly List<Action<string>> _subscribers = [];

    public void Subscribe(Action<string> onTenantAppended)
    {
        lock (_subscribers) _subscribers.Add(onTenantAppended);
    }

    public async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(ct);
                conn.Notification += (_, e) =>
                {
                    Action<string>[] subscribers;
                    lock (_subscribers) subscribers = [.. _subscribers];
                    foreach (var s in subscribers) s(e.Payload);
                };
                await using (var listen = new NpgsqlCommand($"listen {Channel}", conn)) await listen.ExecuteNonQueryAsync(ct);
                while (!ct.IsCancellationRequested) await conn.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or IOException)
            {
                logger.LogWarning("Lost the event notification connection ({Error}); reconnecting", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }
}

/// <summary>A wake-up flag: many Set calls between two waits collapse into one wake-up.</summary>
internal sealed class WakeSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Set()
    {
        try { _semaphore.Release(); } catch (SemaphoreFullException) { }
    }

    /// <summary>True when woken by <see cref="Set"/>, false on timeout or cancellation.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try { return await _semaphore.WaitAsync(timeout, ct); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { return false; }
    }
}

using System.Collections.Concurrent;

namespace GrowHalo.Ingestion.Connections;

/// <summary>
/// What a webhook needs before its append — the enabled connection of (source, account), so its tenant, and its
/// opened webhook secret — kept in this process for <see cref="Ttl"/>, so a busy shop's webhooks skip that query.
/// "No such connection" is kept too (a flood of unknown accounts does not reach the database either).
/// <para>This process drops an entry the moment it creates, changes or disables a connection (through
/// <see cref="ConnectionStore"/>), so its own changes apply to the very next webhook. Another GrowHalo instance
/// sharing the database keeps what it read for up to <see cref="Ttl"/>: a connection disabled or re-keyed elsewhere
/// may still be accepted there with its old secret for those seconds, and a new connection may be answered 401 there
/// for as long (Shopify retries). The secret stays in memory only, like the master key that opens it.</para>
/// </summary>
public sealed class WebhookConnectionCache(TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    /// <summary>Unknown accounts are cached too; past this many entries the cache starts over rather than grow without bound.</summary>
    private const int MaxEntries = 10_000;

    /// <param name="InstalledByApp">Installed through the Shopify app: its webhooks are signed with the app's client secret.</param>
    public sealed record Found(IngestConnection Connection, string? WebhookSecret, bool InstalledByApp = false);

    private sealed record Entry(Found? Value, long ExpiresAt);

    private readonly ConcurrentDictionary<(string Source, string Account), Entry> _entries = new();
    private long _generation;

    public async ValueTask<Found?> GetOrLoadAsync(string source, string account, Func<CancellationToken, Task<Found?>> load, CancellationToken ct)
    {
        var key = (source, account);
        var now = clock.GetTimestamp();
        if (_entries.TryGetValue(key, out var hit) && hit.ExpiresAt > now) return hit.Value;

        var generation = Interlocked.Read(ref _generation);
        var value = await load(ct);
        if (_entries.Count >= MaxEntries) _entries.Clear();
        var entry = new Entry(value, now + (long)(Ttl.TotalSeconds * clock.TimestampFrequency));
        _entries[key] = entry;
        // A change made while the query ran may have been read before it committed: drop what this lookup stored.
        if (Interlocked.Read(ref _generation) != generation) _entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry));
        return value;
    }

    /// <summary>Forget an account: the next webhook for it reads the database. Call after the change has committed.</summary>
    public void Invalidate(string source, string account)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove((source, account), out _);
    }
}

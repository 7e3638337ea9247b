using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using GrowHalo.Platform.Accounts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowHalo.Platform.Tenancy.RateLimiting;

/// <summary>A bucket: its partition key, its sustained rate and its burst.</summary>
public readonly record struct BucketRule(string Partition, double PerSecond, int Burst);

/// <summary>Whether a request may go on and, when not, how long until a permit is free.</summary>
public readonly record struct RateDecision(bool Admitted, TimeSpan RetryAfter)
{
    public static RateDecision Admit { get; } = new(true, TimeSpan.Zero);
}

/// <summary>
/// Token buckets every node shares, kept in PostgreSQL (<c>rate_limit_buckets</c>, unlogged), so three nodes give a
/// tenant its limit once, not three times. A node does not pay a round trip per request: it leases a small block of
/// tokens (<see cref="LeaseSize"/>) with one statement, spends them locally, and drops what it has not spent after
/// <see cref="LeaseLifetime"/>. Leased tokens are taken from the shared bucket when leased, so over the long run
/// nothing is admitted beyond the bucket's rate; over any span, at most N nodes × (lease size − 1) requests more than
/// one bucket would admit (tokens leased just before the span, spent in it; a lease's first token is spent at once). A node that learns its bucket is empty
/// refuses locally until the next token is due: only refills can add tokens, so no other node can have one sooner.
/// <para>If PostgreSQL cannot be reached (or answers slower than <see cref="DatabaseTimeout"/>), each node falls back to a
/// token bucket of its own for <see cref="DownFor"/> before it tries again: a tenant then gets at most N times its
/// limit, as before, rather than no limit at all or a 500 for every request.</para>
/// </summary>
public sealed class SharedTokenBuckets(NpgsqlDataSource dataSource, IOptions<RateLimitSettings> settings, TimeProvider clock,
    ILogger<SharedTokenBuckets> log) : IDisposable
{
    public static readonly TimeSpan LeaseLifetime = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DownFor = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan IdleAfter = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan CleanEvery = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Lease> _leases = new();
    private readonly PartitionedRateLimiter<BucketRule> _local = PartitionedRateLimiter.Create<BucketRule, string>(rule =>
        RateLimitPartition.GetTokenBucketLimiter(rule.Partition, _ => LocalBucket(rule)));
    private long _downUntil;
    private long _nextSweep;
    private long _nextClean;

    /// <summary>Tokens a node leases at once: the setting, but never more than a tenth of the burst or a second's refill.</summary>
    public int LeaseSize(BucketRule rule) =>
        Math.Max(1, Math.Min(settings.Value.LeaseSize, Math.Min(rule.Burst / 10, (int)(rule.PerSecond * LeaseLifetime.TotalSeconds))));

    public async ValueTask<RateDecision> TakeAsync(BucketRule rule, CancellationToken ct)
    {
        var now = clock.GetTimestamp();
        Sweep(now);
        var lease = _leases.GetOrAdd(rule.Partition, _ => new Lease(clock.TimestampFrequency));
        if (lease.TryTake(now, out var decision)) return decision;
        await lease.Refill.WaitAsync(ct);
        try
        {
            now = clock.GetTimestamp();
            if (lease.TryTake(now, out decision)) return decision; // a request before this one refilled it
            if (now < Interlocked.Read(ref _downUntil)) return Local(rule);
            var (granted, tokens) = await TakeFromDatabaseAsync(rule, LeaseSize(rule), ct);
            if (granted is null) return Local(rule);
            return lease.Refilled(now, granted.Value, granted > 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - tokens) / rule.PerSecond));
        }
        finally
        {
            lease.Refill.Release();
        }
    }

    /// <summary>One statement: refill the bucket for the time since its last grant, then hand out up to <paramref name="want"/> whole tokens.</summary>
    private async Task<(int? Granted, double Tokens)> TakeFromDatabaseAsync(BucketRule rule, int want, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(DatabaseTimeout);
        try
        {
            await using var cmd = dataSource.Command("""
                insert into rate_limit_buckets as b (partition, tokens, granted, updated_at, full_at)
                values ($1, $3 - $4, $4, now(), now() + make_interval(secs => $4 / $2))
                on conflict (partition) do update set (tokens, granted, updated_at, full_at) = (
                    select available - take, take, greatest(b.updated_at, now()), now() + make_interval(secs => ($3 - available + take) / $2)
                    from (select available, least($4, floor(available)) as take
                          from (select least($3, b.tokens + $2 * greatest(0, extract(epoch from now() - b.updated_at)::float8)) as available) a) t)
                returning granted, tokens
                """, rule.Partition, rule.PerSecond, (double)rule.Burst, want);
            await using var reader = await cmd.ExecuteReaderAsync(timeout.Token);
            await reader.ReadAsync(timeout.Token);
            var answer = (reader.GetInt32(0), reader.GetDouble(1));
            CleanNowAndThen();
            return answer;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            var until = clock.GetTimestamp() + (long)(DownFor.TotalSeconds * clock.TimestampFrequency);
            if (Interlocked.Exchange(ref _downUntil, until) < clock.GetTimestamp())
                log.LogWarning("Rate limits: the database did not answer ({Error}); each node enforces the limits on its own for {Seconds} s",
                    e.GetType().Name, DownFor.TotalSeconds);
            return (null, 0);
        }
    }

    /// <summary>
    /// Now and then, rows of buckets that are full again go (a bucket that is missing starts full, so nothing changes);
    /// in the background, so that no request waits for it.
    /// </summary>
    private void CleanNowAndThen()
    {
        var now = clock.GetTimestamp();
        var next = Interlocked.Read(ref _nextClean);
        if (now < next || Interlocked.CompareExchange(ref _nextClean, now + (long)(CleanEvery.TotalSeconds * clock.TimestampFrequency), next) != next) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await using var cmd = dataSource.Command("delete from rate_limit_buckets where full_at < now()");
                await cmd.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException e)
            {
                log.LogWarning("Rate limits: could not delete full buckets ({Error}); the next try is in {Minutes} min", e.Message, CleanEvery.TotalMinutes);
            }
        });
    }

    private RateDecision Local(BucketRule rule)
    {
        using var lease = _local.AttemptAcquire(rule);
        if (lease.IsAcquired) return RateDecision.Admit;
        return new(false, lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1));
    }

    private static TokenBucketRateLimiterOptions LocalBucket(BucketRule rule)
    {
        var (tokens, period) = rule.PerSecond >= 1
            ? ((int)Math.Round(rule.PerSecond), TimeSpan.FromSeconds(1))
            : (1, TimeSpan.FromSeconds(1 / rule.PerSecond));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = rule.Burst, TokensPerPeriod = tokens, ReplenishmentPeriod = period, QueueLimit = 0, AutoReplenishment = true,
        };
    }

    /// <summary>Forgets the leases of partitions idle for a minute (client addresses come and go).</summary>
    private void Sweep(long now)
    {
        var next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + (long)(IdleAfter.TotalSeconds * clock.TimestampFrequency), next) != next) return;
        var idle = now - (long)(IdleAfter.TotalSeconds * clock.TimestampFrequency);
        foreach (var (partition, lease) in _leases)
            if (lease.LastUsed < idle) _leases.TryRemove(partition, out _);
    }

    public void Dispose() => _local.Dispose();

    /// <summary>This node's tokens for one partition, and whether the shared bucket was empty when last asked.</summary>
    private sealed class Lease(long frequency)
    {
        public readonly SemaphoreSlim Refill = new(1, 1);
        private readonly Lock _gate = new();
        private int _tokens;
        private long _expiresAt;
        private long _emptyUntil;
        public long LastUsed;

        public bool TryTake(long now, out RateDecision decision)
        {
            lock (_gate)
            {
                LastUsed = now;
                if (_tokens > 0 && now < _expiresAt)
                {
                    _tokens--;
                    decision = RateDecision.Admit;
                    return true;
                }
                if (now < _emptyUntil)
                {
                    decision = new(false, TimeSpan.FromSeconds((_emptyUntil - now) / (double)frequency));
                    return true;
                }
                decision = default;
                return false;
            }
        }

        public RateDecision Refilled(long now, int granted, TimeSpan emptyFor)
        {
            lock (_gate)
            {
                if (granted > 0)
                {
                    _tokens = granted - 1;
                    _expiresAt = now + (long)(LeaseLifetime.TotalSeconds * frequency);
                    return RateDecision.Admit;
                }
                _tokens = 0;
                _emptyUntil = now + (long)(emptyFor.TotalSeconds * frequency);
                return new(false, emptyFor);
            }
        }
    }
}

using System.Diagnostics;
using GrowHalo.Platform.Tenancy;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowHalo.Privacy;

/// <summary>Settings under <c>Privacy</c>.</summary>
public sealed class PrivacyOptions
{
    /// <summary>How often the worker looks for requests when nothing woke it (another node's webhook, a retry falling due).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait after a first failure; it doubles with each further failure, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Acts on privacy requests: takes the oldest one due (<c>for update skip locked</c>, so several nodes share the work
/// and never take the same one), does it in that same transaction and marks it completed, so the work and "done"
/// commit together. A failure rolls everything back; the request is marked retrying with a growing delay and tried
/// again until it succeeds — an acknowledged request is never dropped. Logs name the request, never the customer.
/// </summary>
public sealed class PrivacyWorker(TenantDatabases databases, TenantStore tenants, TimeProvider clock, IOptions<PrivacyOptions> options,
    RedactionCheck check, Marten.IDocumentStore store, Platform.Events.Projections.ProjectionStatusQuery projections,
    ILogger<PrivacyWorker> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Starts the next pass now (a request was just stored).</summary>
    public void Wake()
    {
        try { _wake.Release(); }
        catch (SemaphoreFullException) { } // already woken
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunOnceAsync(stoppingToken)) { }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("The privacy worker could not read its requests ({Error}); trying again shortly", Describe(e));
            }
            try { await _wake.WaitAsync(options.Value.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Does the oldest due request, if any; true when there was one (done or failed).</summary>
    public async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        foreach (var dataSource in await databases.AllAsync(ct))
            if (await RunOnceAsync(dataSource, ct)) return true;
        return false;
    }

    private async Task<bool> RunOnceAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        PrivacyRequestRow? request = null;
        await using (var cmd = new NpgsqlCommand($"""
            select {PrivacyRequestRow.Columns} from privacy_requests
            where state <> 'completed' and next_attempt_at <= $1
            order by received_at, id limit 1
            for update skip locked
            """, conn, tx) { Parameters = { new() { Value = now } } })
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) request = PrivacyRequestRow.Read(r);
        if (request is null) return false;
        if (request.Kind == PrivacyKinds.ShopRedact && (await projections.GetAsync(request.TenantId, ct)).Any(p => p.LagEvents > 0))
        {
            // A projection page holding the tenant's last events (the request's own among them) may be in flight: it
            // would write their rows back after the deletion. Once the projections have caught up, nothing more comes
            // (the shop uninstalled the app; its connections are off). Not an attempt: a second later, again.
            await CustomerRedaction.Exec(conn, tx, ct, "update privacy_requests set next_attempt_at = $2 where id = $1",
                request.Id, clock.GetUtcNow() + TimeSpan.FromSeconds(1));
            await tx.CommitAsync(ct);
            return false;
        }

        var started = Stopwatch.GetTimestamp();
        await tx.SaveAsync("request", ct);
        CustomerRedaction.Redacted? redacted = null;
        try
        {
            var (outcome, done) = await ActAsync(dataSource, conn, tx, request, ct);
            await CustomerRedaction.Exec(conn, tx, ct,
                "update privacy_requests set state = 'completed', completed_at = $2, attempts = attempts + 1, last_error = null where id = $1",
                request.Id, clock.GetUtcNow());
            await tx.CommitAsync(ct);
            redacted = done;
            logger.LogInformation("Privacy request {RequestId} ({Kind}) for tenant {TenantId} completed in {ElapsedMs:0} ms: {Outcome}",
                request.Id, request.Kind, request.TenantId, Stopwatch.GetElapsedTime(started).TotalMilliseconds, outcome);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            await tx.RollbackAsync("request", ct);
            var delay = TimeSpan.FromTicks(Math.Min(options.Value.MaxRetryDelay.Ticks,
                options.Value.RetryDelay.Ticks * (1L << Math.Min(request.Attempts, 20))));
            var next = clock.GetUtcNow() + delay;
            await CustomerRedaction.Exec(conn, tx, ct, """
                update privacy_requests set state = 'retrying', attempts = attempts + 1, next_attempt_at = $2, last_error = $3 where id = $1
                """, request.Id, next, Describe(e));
            await tx.CommitAsync(ct);
            logger.LogWarning("Privacy request {RequestId} ({Kind}) for tenant {TenantId} failed on attempt {Attempt} ({Error}); retrying at {NextAttempt:O}",
                request.Id, request.Kind, request.TenantId, request.Attempts + 1, Describe(e), next);
        }
        if (redacted is not null)
        {
            try
            {
                await check.RunAsync(request.Id, request.TenantId, redacted.Identifying, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning("Privacy request {RequestId}: the check after the redaction failed ({Error})", request.Id, Describe(e));
            }
        }
        return true;
    }

    private async Task<(string Outcome, CustomerRedaction.Redacted? Redacted)> ActAsync(NpgsqlDataSource dataSource, NpgsqlConnection conn, NpgsqlTransaction tx,
        PrivacyRequestRow request, CancellationToken ct)
    {
        switch (request.Kind)
        {
            case PrivacyKinds.DataRequest:
                var tenant = await tenants.FindAsync(request.TenantId, ct)
                    ?? throw new InvalidOperationException("The tenant of this data request no longer exists.");
                var export = await CustomerExport.BuildAsync(databases, conn, tx, request, tenant, clock.GetUtcNow(), ct);
                await CustomerRedaction.Exec(conn, tx, ct, "update privacy_requests set export = $2::jsonb where id = $1", request.Id, export.ToJsonString());
                return ($"export of {export["events"]!.AsArray().Count} events", null);
            case PrivacyKinds.CustomerRedact:
                var redacted = await CustomerRedaction.RunAsync(conn, tx, request, ct);
                return ($"{redacted.Events} events masked", redacted);
            case PrivacyKinds.ShopRedact:
                // A tenant on a data database of its own: its keys, members and sessions (and its row) in the master go
                // first, in a transaction of their own (again, finding nothing, if this one then fails and is retried).
                var inMaster = 0L;
                if (!ReferenceEquals(dataSource, databases.Master))
                {
                    await using var master = await databases.Master.OpenConnectionAsync(ct);
                    await using var masterTx = await master.BeginTransactionAsync(ct);
                    inMaster = await ShopRedaction.RunAsync(master, masterTx, request, ct);
                    await masterTx.CommitAsync(ct);
                }
                var deleted = inMaster + await ShopRedaction.RunAsync(conn, tx, request, ct);
                // Its place in Marten's pool goes too (the assignment and Marten's partition records); again on a retry.
                await store.Advanced.RemoveTenantFromShardAsync(request.TenantId, ct);
                return ($"{deleted} rows deleted", null);
            default:
                throw new InvalidOperationException($"Unknown privacy request kind '{request.Kind}'.");
        }
    }

    /// <summary>What went wrong, without the data it went wrong on (PostgreSQL's detail can quote a row's values).</summary>
    private static string Describe(Exception e) => e switch
    {
        PostgresException pg => $"PostgreSQL {pg.SqlState}: {pg.MessageText}",
        NpgsqlException n when n.InnerException is { } inner => $"{n.GetType().Name}: {Describe(inner)}",
        _ => e.GetType().Name,
    };
}

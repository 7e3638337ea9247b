using GrowHalo.Ingestion.Connections;
using GrowHalo.Platform.Tenancy;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowHalo.Ingestion.Polling;

/// <summary>
/// Polls every enabled connection with polling on, each at its own interval. Due connections are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c>, a lease on next_attempt_at and the claimant's database application name
/// (<c>growhalo:{pid}@{host}</c>), so several servers never poll one connection at once. A server that dies mid-pass
/// hands its connections over as soon as PostgreSQL has dropped its sessions (the claim names a session that is gone:
/// the pass resumes from its cursor, on a restarted server or another one), not when the lease runs out; the lease
/// only bounds a pass whose server lives but hangs. Passes run side by side; each records its own success or failure.
/// </summary>
public sealed class PollingService(
    TenantDatabases databases, ConnectionStore connections, ConnectionPoller poller, IOptions<PollingOptions> options, TimeProvider time,
    ILogger<PollingService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Tick, time);
        var running = new List<Task>();
        do
        {
            running.RemoveAll(t => t.IsCompleted);
            try
            {
                foreach (var connection in await ClaimDueAsync(stoppingToken))
                    running.Add(Task.Run(() => poller.PollAsync(connection, stoppingToken), stoppingToken));
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Polling could not look for due connections: {Error}", e.Message);
            }
        } while (await WaitAsync(timer, stoppingToken));
        await Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>Due connections, each leased to this server until its pass records success or failure.</summary>
    public async Task<IReadOnlyList<IngestConnection>> ClaimDueAsync(CancellationToken ct)
    {
        var list = new List<IngestConnection>();
        foreach (var dataSource in await databases.AllAsync(ct)) list.AddRange(await ClaimDueAsync(dataSource, ct));
        return list;
    }

    private async Task<IReadOnlyList<IngestConnection>> ClaimDueAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var cmd = db.CreateCommand("""
            update polling_cursors p set next_attempt_at = $2, claimed_by = (select nullif(application_name, '') from pg_stat_activity where pid = pg_backend_pid())
            from (select p2.connection_id, c.tenant_id from polling_cursors p2
                  join ingest_connections c on c.id = p2.connection_id
                  where c.enabled and c.polling_enabled
                    and (p2.next_attempt_at is null or p2.next_attempt_at <= $1
                         or (p2.claimed_by is not null
                             and not exists (select 1 from pg_stat_activity a where a.application_name = p2.claimed_by)))
                  order by p2.next_attempt_at nulls first
                  for update of p2 skip locked) due
            where p.connection_id = due.connection_id
            returning due.tenant_id, due.connection_id
            """);
        cmd.Parameters.Add(new() { Value = now });
        cmd.Parameters.Add(new() { Value = now + options.Value.Lease });
        var claimed = new List<(string Tenant, string Id)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) claimed.Add((r.GetString(0), r.GetString(1)));
        var list = new List<IngestConnection>();
        foreach (var (tenant, id) in claimed)
            if (await connections.FindAsync(tenant, id, ct) is { } c) list.Add(c);
        return list;
    }
}

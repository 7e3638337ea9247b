using GrowHalo.Platform.Tenancy;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowHalo.Analytics.Customers.Scoring;

/// <summary>
/// Keeps every tenant's customer scores current: each tick it finds the tenants with read models but no scores, with
/// scores of an earlier day (their local day changed), or whose read models changed since they were scored
/// (last_event_at &gt; the data_as_of of their run) and were scored at least <see cref="CustomerScoringOptions.MinInterval"/> ago, and rescores them one
/// by one. The scoring checks again under the tenant's lock, so several servers never score a tenant twice over.
/// </summary>
public sealed class CustomerScoringService(TenantDatabases databases, CustomerScoring scoring, TenantStore tenants, TimeProvider clock,
    IOptions<CustomerScoringOptions> options, ILogger<CustomerScoringService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        using var timer = new PeriodicTimer(options.Value.Tick, clock);
        do
        {
            try
            {
                foreach (var id in await StaleTenantsAsync(stoppingToken))
                    if (await tenants.FindAsync(id, stoppingToken) is { } tenant)
                        await scoring.ScoreAsync(tenant, ScoreWhen.Stale, stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Customer scoring could not rescore stale tenants: {Error}", e.Message);
            }
        } while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>Across tenants (an operator's query, not a tenant's): those whose scores are missing or stale.</summary>
    public async Task<IReadOnlyList<string>> StaleTenantsAsync(CancellationToken ct)
    {
        var ids = new List<string>();
        foreach (var dataSource in await databases.AllAsync(ct)) ids.AddRange(await StaleTenantsAsync(dataSource, ct));
        return ids;
    }

    private async Task<IReadOnlyList<string>> StaleTenantsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select t.id
            from tenants t
            join read_model_freshness f on f.tenant_id = t.id
            left join customer_score_runs s on s.tenant_id = t.id
            where s.tenant_id is null
               or s.as_of <> ($1::timestamptz at time zone t.time_zone)::date
               or (f.last_event_at > coalesce((s.churn_model->>'data_as_of')::timestamptz, '-infinity')
                   and s.scored_at <= now() - $2::interval)
            order by s.scored_at nulls first
            """);
        cmd.Parameters.Add(new() { Value = clock.GetUtcNow() });
        cmd.Parameters.Add(new() { Value = options.Value.MinInterval });
        var ids = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ids.Add(r.GetString(0));
        return ids;
    }
}

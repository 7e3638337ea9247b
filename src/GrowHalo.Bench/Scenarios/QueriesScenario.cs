using System.Diagnostics;
using System.Net;
using GrowHalo.Bench.Server;
using GrowHalo.Bench.Setup;
using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// The metrics API over real HTTP, one client, for the tenant whose two years hold 1,000,000 orders (the projected
/// history of the projections scenario): GET /api/v1/metrics/summary?period=last_30_days and the two-year daily time
/// series, p50/p99 — first alone in the database, then with 999 more tenants sharing it. Those tenants are created
/// through TenantStore, and each gets two years of daily summaries (the big tenant's, scaled per tenant, inserted in one
/// statement: the rows these queries read; projecting a million events for each of them would take hours).
/// </summary>
public sealed class QueriesScenario : IScenario
{
    private const int OtherTenants = 999;
    public string Name => "queries";
    public string Description => "p50/p99 of the metrics summary and a 2-year daily series over HTTP, 1 tenant with 1,000,000 orders, then 1,000 tenants";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var history = await context.HistoryAsync(ct);
        var db = history.Database.DataSource;
        // The per-key limit (200/s by default) would answer a back-to-back client with 429s: raised, still running.
        await using var server = await GrowHaloServer.StartAsync(Name, history.Database.ConnectionString, new Dictionary<string, string?>
        {
            ["RateLimits__PermitsPerSecond"] = "1000000",
            ["RateLimits__Burst"] = "1000000",
        }, ct);
        var watch = new ProjectionWatch(db, await ProjectionWatch.NamesAsync(server, ct));
        await watch.WaitForAsync(await watch.LastEventAsync(ct), TimeSpan.FromMinutes(30), ct, pollMs: 500);

        using var http = server.Client(history.Tenant.ApiKey);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var series = $"/api/v1/metrics?start={today.AddDays(-HistoryBacklog.Days):yyyy-MM-dd}&end={today:yyyy-MM-dd}&granularity=daily";
        const string summary = "/api/v1/metrics/summary?period=last_30_days";
        var requests = Math.Max(50, (int)(500 * Math.Min(1, context.Scale * 2)));

        var results = new List<Measurement>();
        results.AddRange(await MeasureAsync(http, summary, series, requests, "1 tenant", ct));
        var clock = Stopwatch.StartNew();
        await AddTenantsAsync(db, history.Tenant.Id, ct);
        context.Log($"queries: {OtherTenants} more tenants with two years of daily summaries each in {clock.Elapsed.TotalSeconds:0} s");
        results.AddRange(await MeasureAsync(http, summary, series, requests, $"{OtherTenants + 1:N0} tenants", ct));
        return results;
    }

    private async Task<IEnumerable<Measurement>> MeasureAsync(HttpClient http, string summary, string series, int requests, string tenants, CancellationToken ct)
    {
        var s = await HttpLatencies.MeasureAsync(http, summary, requests, ct);
        var t = await HttpLatencies.MeasureAsync(http, series, Math.Max(20, requests / 4), ct);
        return
        [
            new(Name, $"summary last_30_days, {tenants}", s.Percentile(99), "ms p99",
                $"p50 {s.Percentile(50):0.0} ms over {s.Operations} requests", "< 20 ms", s.Percentile(99) < 20),
            new(Name, $"2-year daily series, {tenants}", t.Percentile(99), "ms p99",
                $"p50 {t.Percentile(50):0.0} ms over {t.Operations} requests, {t.Items / t.Operations:N0} bytes each"),
        ];
    }

    private static async Task AddTenantsAsync(Npgsql.NpgsqlDataSource db, string bigTenant, CancellationToken ct)
    {
        var store = new TenantStore(db, TimeProvider.System);
        var ids = new List<string>(OtherTenants);
        for (var i = 0; i < OtherTenants; i++)
            ids.Add((await store.CreateAsync($"Brand {i:D4} {Guid.NewGuid():N}"[..20], null, "America/New_York", "USD", ct)).Id);
        await using var copy = db.CreateCommand("""
            insert into daily_summaries (tenant_id, day, currency, gross_revenue, refunds, revenue, orders_count, new_customers,
                                         ad_spend, ad_spend_by_platform, missing_fx_rates)
            select t.id, d.day, d.currency, round(d.gross_revenue * t.f, 2), round(d.refunds * t.f, 2), round(d.revenue * t.f, 2),
                   (d.orders_count * t.f)::int, (d.new_customers * t.f)::int, round(d.ad_spend * t.f, 2), d.ad_spend_by_platform, d.missing_fx_rates
            from unnest($1::text[]) with ordinality as t0(id, n)
            cross join lateral (select t0.id, 0.001 + (t0.n % 97) / 1000.0 as f) t
            join daily_summaries d on d.tenant_id = $2
            """);
        copy.Parameters.Add(new() { Value = ids.ToArray() });
        copy.Parameters.Add(new() { Value = bigTenant });
        await copy.ExecuteNonQueryAsync(ct);
        await using var analyze = db.CreateCommand("analyze daily_summaries");
        await analyze.ExecuteNonQueryAsync(ct);
    }
}

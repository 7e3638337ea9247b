using System.Diagnostics;
using System.Net;
using GrowHalo.Bench.Server;
using GrowHalo.Bench.Setup;

namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// The customer answers over real HTTP, one client, for the tenant whose two years hold 1,000,000 orders (the
/// projections scenario's history): the first page of /customers, a search, RFM, 24 monthly cohorts, top customers of
/// a month and the repeat rate, p50/p99 each (the target: p99 &lt; 200 ms).
/// </summary>
public sealed class CustomersScenario : IScenario
{
    public string Name => "customers";
    public string Description => "p50/p99 of /customers, RFM, 24 monthly cohorts, top customers and repeat rate over HTTP, 1 tenant with 1,000,000 orders";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var history = await context.HistoryAsync(ct);
        var db = history.Database.DataSource;
        await using var server = await GrowHaloServer.StartAsync(Name, history.Database.ConnectionString, new Dictionary<string, string?>
        {
            ["RateLimits__PermitsPerSecond"] = "1000000",
            ["RateLimits__Burst"] = "1000000",
        }, ct);
        var watch = new ProjectionWatch(db, await ProjectionWatch.NamesAsync(server, ct));
        await watch.WaitForAsync(await watch.LastEventAsync(ct), TimeSpan.FromMinutes(30), ct, pollMs: 500);
        await using (var count = db.CreateCommand("select count(*) from customers where tenant_id = $1"))
        {
            count.Parameters.Add(new() { Value = history.Tenant.Id });
            context.Log($"customers: {(long)(await count.ExecuteScalarAsync(ct))!:N0} customers, {history.Orders:N0} orders in the tenant");
        }

        using var http = server.Client(history.Tenant.ApiKey);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var requests = Math.Max(10, (int)(50 * Math.Min(1, context.Scale * 2)));
        (string Case, string Url)[] cases =
        [
            ("/customers, first page", "/api/v1/customers"),
            ("/customers, search", "/api/v1/customers?search=customer12"),
            ("/customers, by last order", "/api/v1/customers?sort=last_order_date"),
            ("RFM", "/api/v1/analytics/rfm"),
            ("cohorts, 24 months", $"/api/v1/analytics/cohorts?start={today.AddMonths(-23):yyyy-MM-01}&end={today:yyyy-MM-dd}"),
            ("top customers of 30 days", $"/api/v1/analytics/top-customers?start={today.AddDays(-29):yyyy-MM-dd}&end={today:yyyy-MM-dd}"),
            ("repeat rate, 30 days", "/api/v1/analytics/repeat-rate"),
        ];
        var results = new List<Measurement>();
        foreach (var (name, url) in cases)
        {
            var run = await HttpLatencies.MeasureAsync(http, url, requests, ct, warmUp: 3);
            context.Log($"customers: {name}: p50 {run.Percentile(50):0.0} ms, p99 {run.Percentile(99):0.0} ms");
            results.Add(new(Name, name, run.Percentile(99), "ms p99", $"p50 {run.Percentile(50):0.0} ms over {run.Operations} requests, {run.Items / run.Operations:N0} bytes each",
                "< 200 ms", run.Percentile(99) < 200));
        }
        return results;
    }
}

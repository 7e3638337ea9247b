using System.Diagnostics;
using System.Net;
using GrowHalo.Bench.Server;
using GrowHalo.Bench.Setup;

namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// The customer answers over real HTTP, one client, for the tenant whose two years hold 1,000,000 orders from 100,000
/// customers (the projections scenario's history): the first page of /customers, a search, RFM, 24 monthly cohorts,
/// top customers of a month, the repeat rate and a 3-condition segment's members, p50/p99 each (the issue's target:
/// p99 &lt; 200 ms).
/// </summary>
public sealed class CustomersScenario : IScenario
{
    public string Name => "customers";
    public string Description => "p50/p99 of /customers, RFM, 24 monthly cohorts, top customers, repeat rate and segment members over HTTP, 1 tenant with 1,000,000 orders, 100,000 customers";

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
        await using (var count = db.CreateCommand("""
            select count(*), count(*) filter (where orders_count = 1), percentile_disc(0.5) within group (order by orders_count),
                   percentile_disc(0.99) within group (order by orders_count), max(orders_count)
            from customers where tenant_id = $1
            """))
        {
            count.Parameters.Add(new() { Value = history.Tenant.Id });
            await using var r = await count.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            context.Log($"customers: {r.GetInt64(0):N0} customers ({r.GetInt64(1):N0} with one counted order; counted orders median {r.GetInt32(2)}, " +
                $"p99 {r.GetInt32(3)}, max {r.GetInt32(4)}), {history.Orders:N0} orders in the tenant");
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
        cases = [.. cases, ("segment members, 3 conditions", await SegmentMembersAsync(http, today, ct))];
        var results = new List<Measurement>();
        foreach (var (name, url) in cases)
        {
            var run = await HttpLatencies.MeasureAsync(http, url, requests, ct, warmUp: 3);
            context.Log($"customers: {name}: p50 {run.Percentile(50):0.0} ms, p99 {run.Percentile(99):0.0} ms");
            results.Add(Result(name, run));
        }
        return results;
    }

    private Measurement Result(string name, Measure.Run run) =>
        new(Name, name, run.Percentile(99), "ms p99", $"p50 {run.Percentile(50):0.0} ms over {run.Operations} requests, {run.Items / run.Operations:N0} bytes each",
            "< 200 ms", run.Percentile(99) < 200);

    /// <summary>The members URL of a new 3-condition segment: repeat customers worth 200 who ordered in the last 180 days.</summary>
    private static async Task<string> SegmentMembersAsync(HttpClient http, DateOnly today, CancellationToken ct)
    {
        var body = $$$"""
            {"name":"bench: loyal and recent","rules":{"all":[
              {"field":"orders_count","op":"gte","value":3},
              {"field":"lifetime_revenue","op":"gte","value":200},
              {"field":"last_order_date","op":"gte","value":"{{{today.AddDays(-180):yyyy-MM-dd}}}"}]}}
            """;
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/v1/segments", content, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /api/v1/segments answered {(int)response.StatusCode}: {text}");
        using var json = System.Text.Json.JsonDocument.Parse(text);
        return $"/api/v1/segments/{json.RootElement.GetProperty("id")}/members";
    }
}

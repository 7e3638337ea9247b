using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// POST /api/v1/ingest/batch over HTTP with 1,000 realistic (~2 KB) Shopify orders per batch, every order new:
/// events/s end to end (JSON parse, validation, one append, the batch record, commit), one client and four at once.
/// </summary>
public sealed class BatchScenario : IScenario
{
    private const int PerBatch = 1000;
    public string Name => "batch";
    public string Description => $"events/s through POST /api/v1/ingest/batch, {PerBatch:N0} Shopify orders per batch";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken ct)
    {
        await using var server = await IngestServer.StartAsync(await context.FreshDatabaseAsync(ct), ct);
        var (tenant, key) = await server.TenantAsync("Batch", ct);
        using var http = server.Client(8);
        http.DefaultRequestHeaders.Add("x-api-key", key);
        var random = new Random(11);
        var templates = Enumerable.Range(0, 200).Select(i => ShopifyOrders.Order(i, random).GetRawText()).ToArray();
        long nextId = 1_000_000;
        string Body()
        {
            var first = Interlocked.Add(ref nextId, PerBatch) - PerBatch;
            var events = Enumerable.Range(0, PerBatch).Select(i =>
                $"{{\"eventType\":\"order\",\"payload\":{WithId(templates[(first + i) % templates.Length], first + i)}}}");
            return $"{{\"source\":\"shopify\",\"events\":[{string.Join(',', events)}]}}";
        }
        async Task<int> Send()
        {
            using var response = await http.PostAsync("/api/v1/ingest/batch", new StringContent(Body(), Encoding.UTF8, "application/json"), ct);
            if (response.StatusCode != HttpStatusCode.Created)
                throw new InvalidOperationException($"batch answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            return PerBatch;
        }

        await Measure.RepeatAsync(_ => Send(), TimeSpan.FromSeconds(3), 3, ct); // warm-up
        var one = await Measure.RepeatAsync(_ => Send(), TimeSpan.FromSeconds(20), 10, ct);
        var four = await Concurrently(4, Send, TimeSpan.FromSeconds(20), ct);
        var stored = await server.EventsAsync(tenant, ct);
        return
        [
            new Measurement(Name, "1 client, 1,000 orders per batch", one.PerSecond, "events/s",
                $"{one.Operations} batches, p50 {one.Percentile(50):0} ms, p99 {one.Percentile(99):0} ms per batch"),
            new Measurement(Name, "4 clients, 1,000 orders per batch", four.PerSecond, "events/s",
                $"{four.Operations} batches, p50 {four.Percentile(50):0} ms, p99 {four.Percentile(99):0} ms per batch; {stored:N0} events stored"),
        ];
    }

    /// <summary>The template order under another id (a new record, so nothing is a duplicate).</summary>
    private static string WithId(string template, long id)
    {
        var order = JsonNode.Parse(template)!.AsObject();
        order["id"] = id;
        order["admin_graphql_api_id"] = $"gid://shopify/Order/{id}";
        return order.ToJsonString();
    }

    internal static async Task<Measure.Run> Concurrently(int workers, Func<Task<int>> operation, TimeSpan duration, CancellationToken ct)
    {
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        long items = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration && !ct.IsCancellationRequested)
            {
                var one = System.Diagnostics.Stopwatch.StartNew();
                Interlocked.Add(ref items, await operation());
                latencies.Add(one.Elapsed.TotalMilliseconds);
            }
        }, ct)));
        return new Measure.Run(items, latencies.Count, clock.Elapsed, latencies.ToList());
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// Signed Shopify orders/create webhooks (~2 KB, base64 HMAC of the raw body, a webhook id each, every one new) from
/// 64 concurrent connections to POST /api/v1/ingest/webhook/shopify: requests/s and latency. Each request finds the
/// connection by shop domain, opens its secret, checks the signature, validates the order and commits one event.
/// </summary>
public sealed class WebhookScenario : IScenario
{
    private const int Connections = 64;
    private const string Secret = "shpss_bench_secret";
    public string Name => "webhook";
    public string Description => $"req/s and latency of signed Shopify webhooks, {Connections} concurrent connections";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken ct)
    {
        await using var server = await IngestServer.StartAsync(await context.FreshDatabaseAsync(ct), ct);
        var (tenant, _) = await server.TenantAsync("Hooks", ct);
        var shop = $"bench-{Guid.NewGuid():N}"[..14] + ".myshopify.com";
        await server.ConnectShopifyAsync(tenant, shop, Secret, ct);
        using var http = server.Client(Connections);
        var random = new Random(5);
        var templates = Enumerable.Range(0, 200).Select(i => JsonNode.Parse(ShopifyOrders.Order(i, random).GetRawText())!.AsObject()).ToArray();
        long nextId = 5_000_000;

        async Task<int> Send()
        {
            var id = Interlocked.Increment(ref nextId);
            var order = (JsonObject)templates[id % templates.Length].DeepClone();
            order["id"] = id;
            var body = order.ToJsonString();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/webhook/shopify")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Shopify-Topic", "orders/create");
            request.Headers.Add("X-Shopify-Shop-Domain", shop);
            request.Headers.Add("X-Shopify-Webhook-Id", Guid.NewGuid().ToString());
            request.Headers.Add("X-Shopify-Hmac-Sha256", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(body))));
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.Created)
                throw new InvalidOperationException($"webhook answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            return 1;
        }

        await BatchScenario.Concurrently(Connections, Send, TimeSpan.FromSeconds(3), ct); // warm-up: connections, JIT, pool
        var run = await BatchScenario.Concurrently(Connections, Send, TimeSpan.FromSeconds(20), ct);
        var stored = await server.EventsAsync(tenant, ct);
        return
        [
            new Measurement(Name, $"{Connections} connections, signed orders/create", run.PerSecond, "req/s",
                $"{run.Operations:N0} webhooks, p50 {run.Percentile(50):0.0} ms, p99 {run.Percentile(99):0.0} ms; {stored:N0} events stored"),
        ];
    }
}

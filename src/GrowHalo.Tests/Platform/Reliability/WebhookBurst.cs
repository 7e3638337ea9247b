using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using GrowHalo.Tests.Ingestion;

namespace GrowHalo.Tests.Platform.Reliability;

/// <summary>One Shopify orders/create delivery: its order (the record), its delivery id and its exact body.</summary>
public sealed record Delivery(int Index, ShopTenant Tenant, long OrderId, string WebhookId, string Body)
{
    public string Stream => $"shopify:order:{OrderId}";
}

/// <summary>What became of a delivery: the status the node answered, or the error the client saw instead.</summary>
public sealed record Sent(Delivery Delivery, ServerNode Node, bool NodeWasDown, int? Status, string? Error)
{
    public bool Acknowledged => Status is >= 200 and < 300;
}

/// <summary>
/// Signed Shopify order webhooks from 64 concurrent senders, each delivery to the next node in turn (round robin, no
/// proxy: a sender whose node is dead sees its connection refused or reset, as Shopify would, and pauses 100 ms). Orders spread over
/// ten days and the tenants given, with repeat customers, so daily summaries and first orders have work to do.
/// </summary>
public sealed class WebhookBurst(IReadOnlyList<ServerNode> nodes, IReadOnlyList<ShopTenant> tenants, long firstOrderId)
{
    public const int Senders = 64;
    private readonly ConcurrentBag<Sent> _sent = [];
    private int _next = -1;

    public IReadOnlyCollection<Sent> Sent => _sent;
    public int Acknowledged => _sent.Count(s => s.Acknowledged);

    /// <summary>A client like Shopify's: answers awaited up to 10 s (Shopify waits 5), one connection pool per node.</summary>
    public static HttpClient Client() => new(new SocketsHttpHandler { MaxConnectionsPerServer = Senders, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    public Delivery DeliveryAt(int index)
    {
        var tenant = tenants[index % tenants.Count];
        var orderId = firstOrderId + index;
        var day = new DateTimeOffset(2026, 3, 1 + index / tenants.Count % 10, 15, 0, 0, TimeSpan.Zero);
        var order = Samples.Order(orderId, updatedAt: day.AddMinutes(5).ToString("O"), total: $"{20 + index % 97}.50");
        order["created_at"] = day.ToString("O");
        order["processed_at"] = day.ToString("O");
        order["customer"]!["id"] = 70_000 + index % 150; // repeat customers: first orders fall on different days
        return new Delivery(index, tenant, orderId, $"burst-{firstOrderId}-{index}", order.ToJsonString());
    }

    /// <summary>Sends deliveries 0.. from 64 senders until <paramref name="count"/> are sent or <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(HttpClient http, int count, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            int index;
            while (!stop.IsCancellationRequested && (index = Interlocked.Increment(ref _next)) < count)
            {
                var delivery = DeliveryAt(index);
                var node = nodes[index % nodes.Count];
                var sent = await SendAsync(http, delivery, node);
                _sent.Add(sent);
                // A sender whose delivery failed pauses before its next one, as a client backs off (Shopify retries later).
                if (!sent.Acknowledged) await Task.Delay(100, CancellationToken.None);
            }
        }, CancellationToken.None)));

    /// <summary>Waits until <paramref name="acknowledged"/> deliveries have been answered 2xx.</summary>
    public async Task WhenAcknowledgedAsync(int acknowledged, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (Acknowledged < acknowledged)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Acknowledged} of {acknowledged} webhooks acknowledged within {limit}");
            await Task.Delay(10);
        }
    }

    public static async Task<Sent> SendAsync(HttpClient http, Delivery delivery, ServerNode node)
    {
        var down = !node.Alive;
        using var request = new HttpRequestMessage(HttpMethod.Post, node.BaseUrl + "/api/v1/ingest/webhook/shopify")
        {
            Content = new StringContent(delivery.Body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("X-Shopify-Topic", "orders/create");
        request.Headers.Add("X-Shopify-Shop-Domain", delivery.Tenant.Shop);
        request.Headers.Add("X-Shopify-Webhook-Id", delivery.WebhookId);
        request.Headers.Add("X-Shopify-Hmac-Sha256", IngestionApp.HmacBase64(delivery.Tenant.Secret, delivery.Body));
        try
        {
            using var response = await http.SendAsync(request);
            return new Sent(delivery, node, down, (int)response.StatusCode, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Sent(delivery, node, down, null, e.GetType().Name + ": " + e.Message);
        }
    }
}

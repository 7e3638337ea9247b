using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace GrowHalo.Simulator.Live;

/// <summary>The answer GrowHalo gave to one delivery.</summary>
public sealed record Delivery(string Topic, long RecordId, int Status, string Body);

/// <summary>
/// Sends Shopify webhooks as Shopify does: the raw record as the body, signed with HMAC-SHA256 of those exact bytes
/// (base64, in X-Shopify-Hmac-Sha256), with the shop, topic, delivery and event ids in headers.
/// </summary>
public sealed class ShopifyWebhookClient(HttpClient http, string growHaloUrl, string shopDomain, string secret)
{
    public async Task<Delivery> SendAsync(string topic, JsonObject record, DateTimeOffset triggeredAt, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(record.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{growHaloUrl.TrimEnd('/')}/api/v1/ingest/webhook/shopify")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
        };
        var id = record["id"]?.GetValue<long>() ?? 0;
        request.Headers.Add("X-Shopify-Topic", topic);
        request.Headers.Add("X-Shopify-Hmac-Sha256", Sign(secret, body));
        request.Headers.Add("X-Shopify-Shop-Domain", shopDomain);
        request.Headers.Add("X-Shopify-API-Version", "2024-10");
        request.Headers.Add("X-Shopify-Webhook-Id", Guid.NewGuid().ToString());
        request.Headers.Add("X-Shopify-Event-Id", $"{topic}:{id}:{record["updated_at"]}");
        request.Headers.Add("X-Shopify-Triggered-At", triggeredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        using var response = await http.SendAsync(request, ct);
        return new Delivery(topic, id, (int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    public static string Sign(string secret, byte[] body) => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}

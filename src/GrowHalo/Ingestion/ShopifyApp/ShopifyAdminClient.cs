using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Ingestion.Connections;
using Microsoft.Extensions.Options;

namespace GrowHalo.Ingestion.ShopifyApp;

/// <summary>Shopify refused or did not answer a step of the install; the message says which, never with a secret.</summary>
public sealed class ShopifyInstallException(string message) : Exception(message);

/// <summary>
/// The two Admin API calls of an install: the code for an offline access token
/// (<c>POST /admin/oauth/access_token</c>), and the webhook subscriptions (<c>POST /admin/api/{version}/webhooks.json</c>,
/// REST like the pollers; a topic already subscribed answers 422 "address already taken", which counts as done).
/// </summary>
public sealed class ShopifyAdminClient(IOptions<ShopifyAppOptions> options, OutboundUrls urls)
{
    /// <summary>What GrowHalo subscribes to: the records it models, app/uninstalled, and Shopify's three mandatory privacy topics.</summary>
    public static readonly IReadOnlyList<string> WebhookTopics =
    [
        "orders/create", "orders/updated", "orders/cancelled", "refunds/create", "customers/create", "customers/update",
        "products/create", "products/update", "checkouts/create", "checkouts/update", AppUninstalled.Topic,
        "customers/data_request", "customers/redact", "shop/redact",
    ];

    // Shops are *.myshopify.com at public addresses; the stand-in shop (AllowStandInShops) may be anywhere.
    private readonly HttpClient _http = new(options.Value.AllowStandInShops ? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) } : urls.CreateHandler())
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public sealed record Grant(string AccessToken, string Scope);

    public async Task<Grant> ExchangeCodeAsync(string shop, string code, CancellationToken ct)
    {
        var o = options.Value;
        var url = $"{ShopDomains.BaseUrl(shop, o)}/admin/oauth/access_token";
        using var response = await SendAsync(() => _http.PostAsJsonAsync(url, new Dictionary<string, string>
        {
            ["client_id"] = o.ClientId!, ["client_secret"] = o.ClientSecret!, ["code"] = code,
        }, ct), "exchange the install's code for an access token", ct);
        JsonNode? body;
        try { body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)); }
        catch (JsonException) { body = null; }
        var token = body?["access_token"]?.GetValue<string>();
        if (string.IsNullOrEmpty(token))
            throw new ShopifyInstallException("Shopify's token answer carried no access_token.");
        return new Grant(token, body?["scope"]?.GetValue<string>() ?? "");
    }

    public async Task RegisterWebhooksAsync(string shop, string accessToken, CancellationToken ct)
    {
        var o = options.Value;
        var url = $"{ShopDomains.BaseUrl(shop, o)}/admin/api/{o.ApiVersion}/webhooks.json";
        foreach (var topic in WebhookTopics)
        {
            using var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = JsonContent.Create(new { webhook = new { topic, address = o.WebhookAddress, format = "json" } }),
                };
                request.Headers.Add("X-Shopify-Access-Token", accessToken);
                return _http.SendAsync(request, ct);
            }, $"subscribe to the {topic} webhook", ct, alreadyDone: 422);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send, string what, CancellationToken ct, int? alreadyDone = null)
    {
        HttpResponseMessage response;
        try
        {
            response = await send();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new ShopifyInstallException($"GrowHalo could not reach the shop to {what}: {e.Message}");
        }
        if (response.IsSuccessStatusCode || (int)response.StatusCode == alreadyDone) return response;
        var status = (int)response.StatusCode;
        response.Dispose();
        throw new ShopifyInstallException($"Shopify answered {status} when GrowHalo tried to {what}.");
    }
}

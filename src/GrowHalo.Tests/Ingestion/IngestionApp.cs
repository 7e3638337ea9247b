using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace GrowHalo.Tests.Ingestion;

/// <summary>The GrowHalo host with a known secrets master key, and helpers to connect accounts and send signed webhooks.</summary>
public class IngestionApp : GrowHaloApp
{
    public string MasterKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting(SecretBox.KeyVariable, MasterKey);
    }

    public async Task<long> CountAsync(string sql, params object[] args)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(new() { Value = a });
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    /// <summary>The tenant's stored events (not Marten's tombstones, which mark the sequence numbers of a failed append).</summary>
    public Task<long> EventsAsync(string tenantId, string? streamId = null) => streamId is null
        ? CountAsync("select count(*) from mt_events where tenant_id = $1 and type <> 'tombstone'", tenantId)
        : CountAsync("select count(*) from mt_events where tenant_id = $1 and stream_id = $2", tenantId, streamId);

    /// <summary>Creates a connection through the API and returns its id.</summary>
    public async Task<string> ConnectAsync(TenantClient admin, string source, string account, string? webhookSecret = null, string? accessToken = null)
    {
        var response = await admin.PostJsonAsync("/api/v1/ingest/connections", new
        {
            source, external_account_id = account, display_name = $"{source} {account}", webhook_secret = webhookSecret, access_token = accessToken,
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    public static string HmacBase64(string secret, string body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    public static string HmacHex(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    /// <summary>A Shopify webhook as Shopify sends it: raw JSON body, topic, shop domain, webhook id and base64 HMAC.</summary>
    public static HttpRequestMessage ShopifyWebhook(string shop, string topic, string body, string? secret, string? webhookId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/webhook/shopify") { Content = Json(body) };
        request.Headers.Add("X-Shopify-Topic", topic);
        request.Headers.Add("X-Shopify-Shop-Domain", shop);
        request.Headers.Add("X-Shopify-API-Version", "2025-10");
        request.Headers.Add("X-Shopify-Triggered-At", "2026-03-01T14:20:01Z");
        if (webhookId is not null) request.Headers.Add("X-Shopify-Webhook-Id", webhookId);
        if (secret is not null) request.Headers.Add("X-Shopify-Hmac-Sha256", HmacBase64(secret, body));
        return request;
    }

    public static HttpRequestMessage MetaWebhook(string body, string? secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/webhook/meta") { Content = Json(body) };
        if (secret is not null) request.Headers.Add("X-Hub-Signature-256", HmacHex(secret, body));
        return request;
    }

    public static HttpRequestMessage GoogleWebhook(string account, string body, string? secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/webhook/google") { Content = Json(body) };
        request.Headers.Add("X-GrowHalo-Account", account);
        if (secret is not null) request.Headers.Add("X-GrowHalo-Signature", HmacHex(secret, body));
        return request;
    }

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        using var client = CreateClient();
        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostBatchAsync(TenantClient client, object body) =>
        client.Http.PostAsync("/api/v1/ingest/batch", Json(body is JsonNode node ? node.ToJsonString() : JsonSerializer.Serialize(body)));

    public static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>The reason a problem's errors list gives for a field (fails when the field is not listed).</summary>
    public static string ErrorFor(JsonElement problem, string field)
    {
        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        var match = errors.FirstOrDefault(e => e.GetProperty("field").GetString() == field);
        Assert.True(match.ValueKind == JsonValueKind.Object, $"no error for {field} in {problem}");
        return match.GetProperty("reason").GetString()!;
    }

    /// <summary>Asserts a problem-details answer with the given status, and returns it.</summary>
    public static async Task<JsonElement> ProblemOf(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }
}

/// <summary>All ingestion HTTP tests share one host and database; each test makes its own tenants and accounts.</summary>
[CollectionDefinition(Name)]
public sealed class IngestionCollection : ICollectionFixture<IngestionApp>
{
    public const string Name = "ingestion";
}

public static class Unique
{
    public static string Shop() => $"shop-{Guid.NewGuid():N}"[..17] + ".myshopify.com";
    public static string Digits() => Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
    public static long Id() => Random.Shared.NextInt64(1_000_000, 9_999_999_999);
}

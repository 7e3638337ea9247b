using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
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
        var result = await admin.Scenario(s =>
        {
            s.Post.Json(new
            {
                source, external_account_id = account, display_name = $"{source} {account}", webhook_secret = webhookSecret, access_token = accessToken,
            }).ToUrl("/api/v1/ingest/connections");
            s.StatusCodeShouldBe(HttpStatusCode.Created);
        });
        return (await JsonOf(result)).GetProperty("id").GetString()!;
    }

    public static string HmacBase64(string secret, string body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    public static string HmacHex(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    /// <summary>A Shopify webhook as Shopify sends it: raw JSON body, topic, shop domain, webhook id and base64 HMAC.</summary>
    public static Webhook ShopifyWebhook(string shop, string topic, string body, string? secret, string? webhookId = null)
    {
        var webhook = new Webhook("/api/v1/ingest/webhook/shopify", body)
            .WithHeader("X-Shopify-Topic", topic)
            .WithHeader("X-Shopify-Shop-Domain", shop)
            .WithHeader("X-Shopify-API-Version", "2025-10")
            .WithHeader("X-Shopify-Triggered-At", "2026-03-01T14:20:01Z");
        if (webhookId is not null) webhook = webhook.WithHeader("X-Shopify-Webhook-Id", webhookId);
        return secret is null ? webhook : webhook.WithHeader("X-Shopify-Hmac-Sha256", HmacBase64(secret, body));
    }

    public static Webhook MetaWebhook(string body, string? secret)
    {
        var webhook = new Webhook("/api/v1/ingest/webhook/meta", body);
        return secret is null ? webhook : webhook.WithHeader("X-Hub-Signature-256", HmacHex(secret, body));
    }

    public static Webhook GoogleWebhook(string account, string body, string? secret)
    {
        var webhook = new Webhook("/api/v1/ingest/webhook/google", body).WithHeader("X-GrowHalo-Account", account);
        return secret is null ? webhook : webhook.WithHeader("X-GrowHalo-Signature", HmacHex(secret, body));
    }

    /// <summary>Sends <paramref name="webhook"/> without an API key (unless it carries one) and expects <paramref name="status"/>.</summary>
    public Task<IScenarioResult> SendAsync(Webhook webhook, HttpStatusCode status = HttpStatusCode.Created) => Host.Scenario(s =>
    {
        s.Send(webhook);
        s.StatusCodeShouldBe(status);
    });

    /// <summary>Posts a batch as the tenant (its JSON as written, camelCase names kept) and expects <paramref name="status"/>.</summary>
    public static Task<IScenarioResult> PostBatchAsync(TenantClient client, object body, HttpStatusCode status = HttpStatusCode.Created) =>
        client.Scenario(s =>
        {
            s.PostBatch(body);
            s.StatusCodeShouldBe(status);
        });

    /// <summary>Changes a connection as the tenant (the JSON as written) and expects <paramref name="status"/>.</summary>
    public static Task<IScenarioResult> PatchConnectionAsync(TenantClient client, string id, string json, HttpStatusCode status = HttpStatusCode.OK) =>
        client.Scenario(s =>
        {
            s.PatchRawJson($"/api/v1/ingest/connections/{id}", json);
            s.StatusCodeShouldBe(status);
        });

    public static async Task<JsonElement> JsonOf(IScenarioResult result) => JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;

    /// <summary>The reason a problem's errors list gives for a field (fails when the field is not listed).</summary>
    public static string ErrorFor(JsonElement problem, string field)
    {
        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        var match = errors.FirstOrDefault(e => e.GetProperty("field").GetString() == field);
        Assert.True(match.ValueKind == JsonValueKind.Object, $"no error for {field} in {problem}");
        return match.GetProperty("reason").GetString()!;
    }

    /// <summary>
    /// The problem details of a scenario's answer (whose status the scenario checks): application/problem+json with a detail.
    /// </summary>
    public static async Task<JsonElement> ProblemOf(IScenarioResult result)
    {
        var text = await result.ReadAsTextAsync();
        Assert.True(MediaTypeHeaderValue.TryParse(result.Context.Response.ContentType, out var type) &&
            type.MediaType == "application/problem+json", $"content type {result.Context.Response.ContentType}: {text}");
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

/// <summary>
/// A webhook as a platform sends it: its address, its exact body (what the signature is computed over), its content
/// type and headers. Change one with <c>with { Body = ... }</c>, <see cref="WithHeader"/> and <see cref="WithoutHeader"/>.
/// </summary>
public sealed record Webhook(string Url, string Body, string ContentType = "application/json")
{
    public ImmutableDictionary<string, string> Headers { get; init; } = ImmutableDictionary.Create<string, string>(StringComparer.OrdinalIgnoreCase);

    public Webhook WithHeader(string name, string value) => this with { Headers = Headers.SetItem(name, value) };

    public Webhook WithoutHeader(string name) => this with { Headers = Headers.Remove(name) };
}

/// <summary>Requests of the ingestion API written into Alba scenarios.</summary>
public static class IngestScenarios
{
    /// <summary>POSTs <paramref name="json"/> byte for byte (not re-serialised) as application/json.</summary>
    public static void PostRawJson(this Scenario s, string url, string json) => s.Raw(s.Post, url, json, "application/json");

    /// <summary>PATCHes <paramref name="json"/> byte for byte as application/json.</summary>
    public static void PatchRawJson(this Scenario s, string url, string json) => s.Raw(s.Patch, url, json, "application/json");

    /// <summary>
    /// POSTs a batch: a string as it is (raw JSON), a <see cref="JsonNode"/> as written, anything else serialised with
    /// default options, which keep the property names as spelled (the v1 camelCase contract), not the server's snake_case.
    /// </summary>
    public static void PostBatch(this Scenario s, object body) => s.PostRawJson("/api/v1/ingest/batch", body switch
    {
        string raw => raw,
        JsonNode node => node.ToJsonString(),
        _ => JsonSerializer.Serialize(body),
    });

    /// <summary>Sends the webhook: its exact body, content type and headers.</summary>
    public static void Send(this Scenario s, Webhook webhook)
    {
        s.Raw(s.Post, webhook.Url, webhook.Body, webhook.ContentType);
        foreach (var (name, value) in webhook.Headers) s.WithRequestHeader(name, value);
    }

    private static void Raw(this Scenario s, IUrlExpression method, string url, string body, string contentType)
    {
        method.Text(body).ToUrl(url);
        s.WithRequestHeader("content-type", contentType);
    }
}

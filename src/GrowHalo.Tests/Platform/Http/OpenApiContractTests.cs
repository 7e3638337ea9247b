using System.Text.Json;
using GrowHalo.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GrowHalo.Tests.Platform.Http;

/// <summary>
/// /openapi/v1.json is the API's contract: it describes every route the server answers (no more, no fewer), each
/// with every status code the endpoint can answer, the schema of its success body, and how a caller proves who it is.
/// </summary>
public sealed class OpenApiContractTests(GrowHaloApp app) : IClassFixture<GrowHaloApp>
{
    private const string Key = "401 403 429";

    /// <summary>Each operation and the status codes it answers: what a client must handle.</summary>
    public static readonly TheoryData<string, string> Operations = new()
    {
        { "POST /api/v1/admin/tenants", "201 400 401 404 409 429" },
        { "POST /api/v1/fx-rates", $"200 400 {Key}" },
        { "POST /api/v1/ingest/batch", $"201 400 413 415 422 {Key}" },
        { "GET /api/v1/ingest/batches", $"200 400 {Key}" },
        { "GET /api/v1/ingest/batches/{id}", $"200 404 {Key}" },
        { "POST /api/v1/ingest/connections", $"201 400 409 413 415 {Key}" },
        { "GET /api/v1/ingest/connections", $"200 {Key}" },
        { "PATCH /api/v1/ingest/connections/{id}", $"200 400 404 409 413 415 {Key}" },
        { "GET /api/v1/ingest/status", $"200 {Key}" },
        { "POST /api/v1/sync", $"202 400 404 {Key}" },
        { "GET /api/v1/sync", $"200 400 {Key}" },
        { "GET /api/v1/sync/{id}", $"200 404 {Key}" },
        { "POST /api/v1/sync/{id}/cancel", $"202 404 409 {Key}" },
        { "GET /api/v1/sync/{id}/events", $"200 404 {Key}" },
        { "GET /api/v1/ingest/syncs", $"200 {Key}" },
        { "POST /api/v1/ingest/syncs/{id}/trigger", $"202 400 404 {Key}" },
        { "POST /api/v1/ingest/syncs/{id}/reset", $"200 404 409 {Key}" },
        { "GET /api/v1/analytics/repeat-rate", $"200 400 {Key}" },
        { "GET /api/v1/analytics/top-customers", $"200 400 {Key}" },
        { "GET /api/v1/analytics/rfm", $"200 400 {Key}" },
        { "GET /api/v1/analytics/cohorts", $"200 400 {Key}" },
        { "GET /api/v1/analytics/checkouts", $"200 400 {Key}" },
        { "GET /api/v1/analytics/churn", $"200 400 {Key}" },
                { "GET /api/v1/customers/{customer_key}", $"200 404 {Key}" },
        { "GET /api/v1/customers/{customer_key}/timeline", $"200 404 {Key}" },
        { "GET /api/v1/orders", $"200 400 {Key}" },
        { "GET /api/v1/orders/{id}", $"200 404 {Key}" },
        { "GET /api/v1/products", $"200 400 {Key}" },
        { "GET /api/v1/customers", $"200 400 404 {Key}" },
        { "POST /api/v1/segments", $"201 400 409 {Key}" },
        { "GET /api/v1/segments", $"200 {Key}" },
        { "GET /api/v1/segments/{id}", $"200 404 {Key}" },
        { "PUT /api/v1/segments/{id}", $"200 400 404 409 {Key}" },
        { "DELETE /api/v1/segments/{id}", $"204 404 {Key}" },
        { "GET /api/v1/segments/{id}/members", $"200 400 404 {Key}" },
        { "POST /api/v1/segments/{id}/refresh", $"200 404 {Key}" },
        { "POST /api/v1/ingest/webhook/{source}", $"200 201 400 404 413 415 503 {Key}" },
        { "GET /api/v1/privacy/requests", $"200 {Key}" },
        { "GET /api/v1/privacy/requests/{id}", $"200 404 {Key}" },
        { "GET /api/v1/privacy/requests/{id}/export", $"200 404 409 {Key}" },
        { "POST /api/v1/keys", $"201 400 {Key}" },
        { "GET /api/v1/keys", $"200 {Key}" },
        { "GET /api/v1/keys/{id}", $"200 404 {Key}" },
        { "DELETE /api/v1/keys/{id}", $"200 404 {Key}" },
        { "GET /api/v1/metrics", $"200 400 {Key}" },
        { "GET /api/v1/metrics/ad-spend", $"200 400 {Key}" },
        { "POST /api/v1/metrics/aggregate", $"200 400 {Key}" },
        { "GET /api/v1/metrics/data-quality", $"200 {Key}" },
        { "GET /api/v1/metrics/summary", $"200 400 {Key}" },
        { "GET /api/v1/tenant", $"200 404 {Key}" },
        { "PATCH /api/v1/tenant", $"200 400 404 {Key}" },
        { "GET /dashboard/live", $"200 {Key}" },
        { "GET /dashboard/session", $"200 {Key}" },
        { "POST /dashboard/sign-in", "200 400 401 403 429" },
        { "GET /dashboard/sign-in", "303" },
        { "POST /dashboard/sign-out", "204" },
        { "GET /health", "200" },
        { "POST /api/auth/signup", "201 400 409 429" },
        { "POST /api/auth/login", "200 400 401 429" },
        { "POST /api/auth/logout", "204 429" },
        { "GET /api/auth/me", "200 401 429" },
        { "POST /api/auth/password", "204 400 401 429" },
        { "POST /api/auth/tenant", "200 400 401 404 429" },
        { "POST /api/auth/invites/{token}/accept", "200 400 401 404 409 429" },
        { "POST /api/v1/tenant/members", $"201 400 409 {Key}" },
        { "GET /api/v1/tenant/members", $"200 {Key}" },
        { "DELETE /api/v1/tenant/members/{userId}", $"204 404 409 {Key}" },
        { "GET /health/ready", "200 503" },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task each_operation_lists_every_status_it_answers_and_the_schema_of_its_success(string operation, string statuses)
    {
        var op = await OperationAsync(operation);
        var responses = op.GetProperty("responses");
        Assert.Equal(statuses.Split(' ').Order(), responses.EnumerateObject().Select(r => r.Name).Order());
        Assert.False(string.IsNullOrEmpty(op.GetProperty("operationId").GetString()));
        foreach (var response in responses.EnumerateObject())
        {
            var status = int.Parse(response.Name);
            if (status is 204 or 303) continue;
            // Problems are problem details; successes have a schema (the live stream is text/event-stream).
            var content = response.Value.GetProperty("content");
            if (status >= 400) Assert.True(content.TryGetProperty("application/problem+json", out _), $"{operation} {status}: {content}");
            else Assert.True(content.EnumerateObject().Any(c => c.Value.TryGetProperty("schema", out _)), $"{operation} {status}: no schema");
        }
    }

    [Fact]
    public async Task the_document_describes_exactly_the_routes_the_server_answers()
    {
        var document = await DocumentAsync();
        var described = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name}")).Order().ToList();
        var routed = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .Where(e => e.RoutePattern.RawText != "/openapi/{documentName}.json")
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m =>
                $"{m} /{string.Join('/', e.RoutePattern.RawText!.Trim('/').Split('/').Select(s => s.Contains(':') ? s[..s.IndexOf(':')] + "}" : s))}"))
            .Order().ToList();
        Assert.Equal(routed, described);
        Assert.Equal(Operations.Select(o => (string)o[0]).Order(), described);
    }

    [Theory]
    [InlineData("POST /api/v1/ingest/batch", "source events connection_id")]
    [InlineData("POST /api/v1/ingest/connections", "source external_account_id webhook_secret polling_interval_seconds")]
    [InlineData("PATCH /api/v1/ingest/connections/{id}", "display_name enabled access_token")]
    [InlineData("POST /api/v1/keys", "scopes label expires_at")]
    [InlineData("POST /api/v1/segments", "name rules")]
    [InlineData("PUT /api/v1/segments/{id}", "name rules")]
    public async Task each_body_an_endpoint_takes_is_described_with_its_fields(string operation, string fields)
    {
        var body = (await OperationAsync(operation)).GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var document = await DocumentAsync();
        if (body.TryGetProperty("$ref", out var reference)) // a named schema in components
            body = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
        var properties = body.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var field in fields.Split(' ')) Assert.Contains(field, properties);
    }

    [Fact]
    public async Task segment_members_are_described_as_json_and_as_csv()
    {
        var ok = (await OperationAsync("GET /api/v1/segments/{id}/members")).GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(ok.TryGetProperty("application/json", out _), ok.ToString());
        Assert.True(ok.GetProperty("text/csv").TryGetProperty("schema", out _), ok.ToString());
    }

    [Fact]
    public async Task a_webhook_body_is_described_as_the_platforms_json()
    {
        var op = await OperationAsync("POST /api/v1/ingest/webhook/{source}");
        Assert.True(op.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
    }

    [Fact]
    public async Task each_operation_says_how_its_caller_proves_who_it_is()
    {
        var document = await DocumentAsync();
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("x-api-key", schemes.GetProperty("ApiKey").GetProperty("name").GetString());
        Assert.Equal("header", schemes.GetProperty("ApiKey").GetProperty("in").GetString());
        Assert.Equal("X-Shopify-Hmac-Sha256", schemes.GetProperty("ShopifyWebhookSignature").GetProperty("name").GetString());
        Assert.Equal("X-Hub-Signature-256", schemes.GetProperty("MetaWebhookSignature").GetProperty("name").GetString());
        Assert.Equal("cookie", schemes.GetProperty("DashboardSession").GetProperty("in").GetString());

        Assert.Equal("cookie", schemes.GetProperty("UserSession").GetProperty("in").GetString());
        Assert.Equal("growhalo_user", schemes.GetProperty("UserSession").GetProperty("name").GetString());

        Assert.Equal(["ApiKey:read", "UserSession:read", "DashboardSession:read"], await SecurityAsync("GET /api/v1/metrics/summary"));
        Assert.Equal(["ApiKey:ingest", "UserSession:ingest"], await SecurityAsync("POST /api/v1/ingest/batch"));
        Assert.Equal(["ApiKey:admin", "UserSession:admin"], await SecurityAsync("POST /api/v1/keys"));
        Assert.Equal(["UserSession:"], await SecurityAsync("GET /api/auth/me"));
        Assert.Empty(await SecurityAsync("POST /api/auth/login"));
        Assert.Equal(["OperatorToken:"], await SecurityAsync("POST /api/v1/admin/tenants"));
        Assert.Equal(["ShopifyWebhookSignature:", "MetaWebhookSignature:", "GoogleWebhookSignature:", "ApiKey:ingest"],
            await SecurityAsync("POST /api/v1/ingest/webhook/{source}"));
        Assert.Empty(await SecurityAsync("GET /health"));
    }

    private async Task<List<string>> SecurityAsync(string operation) =>
        (await OperationAsync(operation)).TryGetProperty("security", out var security)
            ? security.EnumerateArray().SelectMany(r => r.EnumerateObject()
                .Select(s => $"{s.Name}:{string.Join(",", s.Value.EnumerateArray().Select(v => v.GetString()))}")).ToList()
            : [];

    private async Task<JsonElement> OperationAsync(string operation)
    {
        var (method, path) = (operation.Split(' ')[0].ToLowerInvariant(), operation.Split(' ')[1]);
        var paths = (await DocumentAsync()).GetProperty("paths");
        Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the document");
        Assert.True(item.TryGetProperty(method, out var op), $"{operation} is not in the document");
        return op;
    }

    private async Task<JsonElement> DocumentAsync()
    {
        var result = await app.Host.Scenario(s => s.Get.Url("/openapi/v1.json"));
        return JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.Clone();
    }
}

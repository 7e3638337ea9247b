using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GrowHalo.Tests.Platform.Tenancy;

/// <summary>Every API endpoint needs a key, and the key's scopes decide what it may do.</summary>
public sealed partial class ApiKeyRequirementTests(TenancyApp app) : IClassFixture<TenancyApp>
{
    [Fact]
    public async Task every_api_route_except_signed_webhooks_answers_401_problem_details_without_a_key()
    {
        // Enumerates the app's own endpoints, so routes other modules add later are checked without editing this test.
        var routes = app.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'),
                Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .Where(r => r.Pattern.StartsWith("/api/", StringComparison.OrdinalIgnoreCase) &&
                        !r.Pattern.StartsWith("/api/v1/ingest/webhook", StringComparison.OrdinalIgnoreCase))
            .SelectMany(r => r.Methods.Select(m => $"{m} {r.Pattern}"))
            .Distinct().ToList();
        var client = app.CreateClient();
        var failures = new List<string>();
        foreach (var route in routes)
        {
            var (method, pattern) = (route.Split(' ')[0], route.Split(' ')[1]);
            var request = new HttpRequestMessage(new HttpMethod(method), Fill(pattern));
            if (method is "POST" or "PUT" or "PATCH") request.Content = JsonContent.Create(new { });
            var response = await client.SendAsync(request);
            var type = response.Content.Headers.ContentType?.MediaType;
            if (response.StatusCode != HttpStatusCode.Unauthorized || (method != "HEAD" && type != "application/problem+json"))
                failures.Add($"{route} → {(int)response.StatusCode} {type}");
        }

        Assert.Empty(failures);
        Assert.Superset(new HashSet<string>
        {
            "GET /api/v1/tenant", "PATCH /api/v1/tenant", "GET /api/v1/keys", "POST /api/v1/keys",
            "DELETE /api/v1/keys/{id:guid}", "POST /api/v1/admin/tenants",
        }, routes.ToHashSet());
    }

    [Fact]
    public async Task an_api_path_without_an_endpoint_answers_401_too_so_routes_cannot_be_probed_without_a_key()
    {
        var detail = await (await app.CreateClient().GetAsync("/api/v1/no-such-thing")).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("x-api-key", detail);
    }

    [Fact]
    public async Task a_missing_key_and_an_unknown_key_get_401_saying_which_and_how_to_fix_it()
    {
        var missing = await app.CreateClient().GetAsync("/api/v1/tenant");
        Assert.Contains("No API key was sent", await missing.ProblemAsync(HttpStatusCode.Unauthorized));

        var unknown = await app.ClientWithKey("ghk_" + new string('A', 43)).GetAsync("/api/v1/tenant");
        Assert.Contains("not recognised", await unknown.ProblemAsync(HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task health_and_the_openapi_document_answer_without_a_key()
    {
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task a_read_key_reads_tenant_settings_but_cannot_change_them_or_manage_keys()
    {
        var tenant = await app.CreateTenantAsync("Readonly", scopes: Scopes.Read);
        var ownKeyId = (await app.Service<ApiKeyStore>().ListAsync(tenant.Id)).Single().Id;

        Assert.Equal(tenant.Id, (await (await tenant.Http.GetAsync("/api/v1/tenant")).JsonAsync(HttpStatusCode.OK)).Str("id"));
        var denied = new[]
        {
            await tenant.Http.PatchJsonAsync("/api/v1/tenant", new { name = "Taken over" }),
            await tenant.Http.PostJsonAsync("/api/v1/keys", new { scopes = new[] { "admin" } }),
            await tenant.Http.GetAsync("/api/v1/keys"),
            await tenant.Http.DeleteAsync($"/api/v1/keys/{ownKeyId}"),
        };
        foreach (var response in denied)
        {
            var detail = await response.ProblemAsync(HttpStatusCode.Forbidden);
            Assert.Contains("'admin'", detail);
            Assert.Contains("[read]", detail);
        }

        var after = await app.Service<TenantStore>().FindAsync(tenant.Id);
        Assert.Equal(tenant.Tenant.Name, after!.Name);
        var keys = await app.Service<ApiKeyStore>().ListAsync(tenant.Id);
        Assert.Single(keys);
        Assert.Null(keys[0].RevokedAt);
    }

    [Fact]
    public async Task an_ingest_key_cannot_read_tenant_settings()
    {
        var tenant = await app.CreateTenantAsync("Ingestonly", scopes: Scopes.Ingest);
        var detail = await (await tenant.Http.GetAsync("/api/v1/tenant")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("'read' or 'admin'", detail);
    }

    /// <summary>A concrete URL for a route pattern: a value that satisfies each parameter's constraint.</summary>
    private static string Fill(string pattern) => RouteParameter().Replace(pattern, m => m.Groups[1].Value switch
    {
        var p when p.Contains(":guid") => Guid.NewGuid().ToString(),
        var p when p.Contains(":int") || p.Contains(":long") => "1",
        var p when p.Contains(":datetime") => "2026-01-01",
        var p when p.Contains(":bool") => "true",
        _ => "sample",
    });

    [GeneratedRegex(@"\{([^}]*)\}")]
    private static partial Regex RouteParameter();
}

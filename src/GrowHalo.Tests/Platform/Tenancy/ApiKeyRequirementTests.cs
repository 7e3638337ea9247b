using System.Net;
using System.Text.RegularExpressions;
using Alba;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GrowHalo.Tests.Platform.Tenancy;

/// <summary>Every API endpoint needs a key, and the key's scopes decide what it may do.</summary>
public sealed partial class ApiKeyRequirementTests(TenancyApp app) : IClassFixture<TenancyApp>
{
    /// <summary>Where people sign up, sign in and out, and accept invitations: they have no key or session yet (docs/accounts.md).</summary>
    private static readonly string[] AccountEntryPoints = ["/api/auth/signup", "/api/auth/login", "/api/auth/logout", "/api/auth/invites/{token}/accept"];

    [Fact]
    public async Task every_api_route_except_signed_webhooks_answers_401_problem_details_without_a_key()
    {
        // Enumerates the app's own endpoints, so routes other modules add later are checked without editing this test.
        var routes = app.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'),
                Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .Where(r => r.Pattern.StartsWith("/api/", StringComparison.OrdinalIgnoreCase) &&
                        !r.Pattern.StartsWith("/api/v1/ingest/webhook", StringComparison.OrdinalIgnoreCase) &&
                        !AccountEntryPoints.Contains(r.Pattern))
            .SelectMany(r => r.Methods.Select(m => $"{m} {r.Pattern}"))
            .Distinct().ToList();
        var failures = new List<string>();
        foreach (var route in routes)
        {
            var (method, pattern) = (route.Split(' ')[0], route.Split(' ')[1]);
            // Every answer is collected (not asserted one by one), so the failure lists each route that lets a caller in.
            var result = await app.Host.Scenario(s =>
            {
                Send(s, method, Fill(pattern));
                s.IgnoreStatusCode();
            });
            var (status, type) = (result.Context.Response.StatusCode, result.MediaType());
            if (status != StatusCodes.Status401Unauthorized || (method != "HEAD" && type != "application/problem+json"))
                failures.Add($"{route} → {status} {type}");
        }

        Assert.Empty(failures);
        Assert.Equal(AccountEntryPoints.Order(), app.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/") && e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null
                        && !e.RoutePattern.RawText.StartsWith("/api/v1/ingest/webhook") && e.RoutePattern.RawText != "/api/v1/admin/tenants")
            .Select(e => e.RoutePattern.RawText!).Order());
        Assert.Superset(new HashSet<string>
        {
            "GET /api/v1/tenant", "PATCH /api/v1/tenant", "GET /api/v1/keys", "POST /api/v1/keys",
            "DELETE /api/v1/keys/{id:guid}", "POST /api/v1/admin/tenants",
        }, routes.ToHashSet());
    }

    [Fact]
    public async Task an_api_path_without_an_endpoint_answers_401_too_so_routes_cannot_be_probed_without_a_key()
    {
        var detail = await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/v1/no-such-thing");
            s.StatusCodeShouldBe(HttpStatusCode.Unauthorized);
        }).ProblemAsync();
        Assert.Contains("x-api-key", detail);
    }

    [Fact]
    public async Task a_missing_key_and_an_unknown_key_get_401_saying_which_and_how_to_fix_it()
    {
        var missing = await app.ReadTenantAsync(null, HttpStatusCode.Unauthorized).ProblemAsync();
        Assert.Contains("No API key was sent", missing);

        var unknown = await app.ReadTenantAsync("ghk_" + new string('A', 43), HttpStatusCode.Unauthorized).ProblemAsync();
        Assert.Contains("not recognised", unknown);
    }

    [Fact]
    public async Task health_and_the_openapi_document_answer_without_a_key()
    {
        foreach (var url in new[] { "/health", "/health/ready", "/openapi/v1.json" })
            await app.Host.Scenario(s => s.Get.Url(url)); // a scenario expects 200 unless told otherwise
    }

    [Fact]
    public async Task a_read_key_reads_tenant_settings_but_cannot_change_them_or_manage_keys()
    {
        var tenant = await app.CreateTenantAsync("Readonly", scopes: Scopes.Read);
        var ownKeyId = (await app.Service<ApiKeyStore>().ListAsync(tenant.Id)).Single().Id;

        Assert.Equal(tenant.Id, (await app.ReadTenantAsync(tenant.ApiKey).JsonAsync()).Str("id"));
        var denied = new Action<Scenario>[]
        {
            s => s.Patch.Json(new { name = "Taken over" }).ToUrl("/api/v1/tenant"),
            s => s.Post.Json(new { scopes = new[] { "admin" } }).ToUrl("/api/v1/keys"),
            s => s.Get.Url("/api/v1/keys"),
            s => s.Delete.Url($"/api/v1/keys/{ownKeyId}"),
        };
        foreach (var send in denied)
        {
            var detail = await tenant.Scenario(s =>
            {
                send(s);
                s.StatusCodeShouldBe(HttpStatusCode.Forbidden);
            }).ProblemAsync();
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
        var detail = await app.ReadTenantAsync(tenant.ApiKey, HttpStatusCode.Forbidden).ProblemAsync();
        Assert.Contains("'read' or 'admin'", detail);
    }

    /// <summary>A request with <paramref name="method"/> to <paramref name="url"/>; one that carries a body sends <c>{}</c>.</summary>
    private static void Send(Scenario s, string method, string url)
    {
        _ = method switch
        {
            "GET" => s.Get.Url(url),
            "HEAD" => s.Head.Url(url),
            "DELETE" => s.Delete.Url(url),
            "POST" => s.Post.Json(new { }).ToUrl(url),
            "PUT" => s.Put.Json(new { }).ToUrl(url),
            "PATCH" => s.Patch.Json(new { }).ToUrl(url),
            _ => throw new NotSupportedException($"No request for {method} {url}: add the method here."),
        };
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

using System.Net;
using GrowHalo.Platform.Http;
using GrowHalo.Tests.Ingestion;
using Microsoft.AspNetCore.Http;

namespace GrowHalo.Tests.Platform.Security;

/// <summary>Every answer carries the security headers; CORS answers only the configured origin.</summary>
[Collection(SecurityCollection.Name)]
public sealed class SecurityHeaderTests(SecurityApp app)
{
    private const string Csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private HttpClient Client(string scheme = "http", Action<HttpContext>? configure = null)
    {
        var handler = app.Server.CreateHandler(c =>
        {
            c.Request.Scheme = scheme;
            configure?.Invoke(c);
        });
        return new HttpClient(handler) { BaseAddress = new Uri($"{scheme}://growhalo.test/") };
    }

    [Theory]
    [InlineData("/health", HttpStatusCode.OK)]
    [InlineData("/openapi/v1.json", HttpStatusCode.OK)]
    [InlineData("/dashboard", HttpStatusCode.OK)]
    [InlineData("/dashboard/assets/app.js", HttpStatusCode.OK)]
    [InlineData("/api/v1/metrics/summary", HttpStatusCode.Unauthorized)]
    [InlineData("/api/v1/no-such-route", HttpStatusCode.Unauthorized)]
    [InlineData("/no-such-page", HttpStatusCode.NotFound)]
    public async Task every_answer_carries_the_security_headers_and_no_hsts_over_http(string path, HttpStatusCode status)
    {
        using var client = Client();
        using var response = await client.GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(Csp, Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Null(Header(response, "Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/dashboard")]
    [InlineData("/api/v1/metrics/summary")]
    public async Task hsts_is_sent_over_https(string path)
    {
        using var client = Client("https");
        using var response = await client.GetAsync(path);
        Assert.Equal("max-age=31536000", Header(response, "Strict-Transport-Security"));
        Assert.Equal(Csp, Header(response, "Content-Security-Policy"));
    }

    [Fact]
    public async Task an_authenticated_api_answer_carries_them_too()
    {
        var tenant = await app.CreateTenantAsync();
        using var client = Client();
        client.DefaultRequestHeaders.Add("x-api-key", tenant.ApiKey);
        using var response = await client.GetAsync("/api/v1/ingest/connections");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Csp, Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
    }

    [Fact]
    public async Task the_dashboard_page_has_no_inline_script_or_style()
    {
        using var client = Client();
        var html = await client.GetStringAsync("/dashboard");
        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)", html);
        Assert.DoesNotContain("<style", html);
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", html);
        Assert.DoesNotContain("style=", html);
    }

    [Fact]
    public async Task an_allowed_origin_gets_cors_headers_and_its_preflight_is_answered()
    {
        using var client = Client();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/metrics/summary");
        preflight.Headers.Add("Origin", SecurityApp.AllowedOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "x-api-key");
        using var answer = await client.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal(SecurityApp.AllowedOrigin, Header(answer, "Access-Control-Allow-Origin"));
        Assert.Contains("GET", Header(answer, "Access-Control-Allow-Methods"));
        Assert.Contains("x-api-key", Header(answer, "Access-Control-Allow-Headers"));
        Assert.Null(Header(answer, "Access-Control-Allow-Credentials"));

        var tenant = await app.CreateTenantAsync();
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ingest/connections");
        get.Headers.Add("Origin", SecurityApp.AllowedOrigin);
        get.Headers.Add("x-api-key", tenant.ApiKey);
        using var response = await client.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SecurityApp.AllowedOrigin, Header(response, "Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("https://evil.example.com")]
    [InlineData("https://admin.example.com.evil.example")]
    [InlineData("http://admin.example.com")]
    [InlineData("null")]
    public async Task another_origin_gets_no_cors_headers(string origin)
    {
        using var client = Client();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/metrics/summary");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "x-api-key");
        using var answer = await client.SendAsync(preflight);
        Assert.Null(Header(answer, "Access-Control-Allow-Origin"));
        Assert.Null(Header(answer, "Access-Control-Allow-Methods"));

        var tenant = await app.CreateTenantAsync();
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ingest/connections");
        get.Headers.Add("Origin", origin);
        get.Headers.Add("x-api-key", tenant.ApiKey);
        using var response = await client.SendAsync(get);
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    internal static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values) : null;
}

/// <summary>Without Cors:AllowedOrigins (the default), no origin gets CORS headers.</summary>
[Collection(IngestionCollection.Name)]
public sealed class CorsOffTests(IngestionApp app)
{
    [Fact]
    public async Task cors_is_off_unless_origins_are_configured()
    {
        using var client = new HttpClient(app.Server.CreateHandler()) { BaseAddress = new Uri("http://growhalo.test/") };
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/metrics/summary");
        preflight.Headers.Add("Origin", SecurityApp.AllowedOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        using var answer = await client.SendAsync(preflight);
        Assert.Null(SecurityHeaderTests.Header(answer, "Access-Control-Allow-Origin"));

        var tenant = await app.CreateTenantAsync();
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ingest/connections");
        get.Headers.Add("Origin", SecurityApp.AllowedOrigin);
        get.Headers.Add("x-api-key", tenant.ApiKey);
        using var response = await client.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(SecurityHeaderTests.Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, SecurityHeaderTests.Header(response, "Content-Security-Policy"));
    }
}

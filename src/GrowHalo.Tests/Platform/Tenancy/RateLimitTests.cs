using System.Net;
using System.Net.Http.Headers;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace GrowHalo.Tests.Platform.Tenancy;

/// <summary>The app with tiny limits: a burst of 2 requests, then one permit per 100 seconds.</summary>
public sealed class RateLimitedApp : GrowHaloApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("RateLimits:PermitsPerSecond", "0.01");
        builder.UseSetting("RateLimits:Burst", "2");
        builder.UseSetting("RateLimits:PerAddressPermitsPerSecond", "0.01");
        builder.UseSetting("RateLimits:PerAddressBurst", "2");
    }
}

public sealed class RateLimitTests(RateLimitedApp app) : IClassFixture<RateLimitedApp>
{
    [Fact]
    public async Task a_tenant_over_its_limit_gets_429_problem_details_with_retry_after()
    {
        var tenant = await app.CreateTenantAsync("Hasty", scopes: Scopes.Read);
        await app.ReadTenantAsync(tenant.ApiKey);
        await app.ReadTenantAsync(tenant.ApiKey);

        var limited = await app.ReadTenantAsync(tenant.ApiKey, HttpStatusCode.TooManyRequests);
        var detail = await limited.ProblemAsync();
        Assert.Contains("This tenant sent more than 0.01 requests per second", detail);
        var retryAfter = RetryConditionHeaderValue.TryParse(limited.Context.Response.Headers.RetryAfter, out var retry) ? retry.Delta : null;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 100);
        Assert.Contains($"Retry after {retryAfter.Value.TotalSeconds:0} s", detail);
    }

    [Fact]
    public async Task one_tenant_at_its_limit_does_not_hold_back_another()
    {
        var busy = await app.CreateTenantAsync("Busy", scopes: Scopes.Read);
        var calm = await app.CreateTenantAsync("Calm", scopes: Scopes.Read);
        for (var i = 0; i < 3; i++) await busy.Scenario(s => { s.Get.Url("/api/v1/tenant"); s.IgnoreStatusCode(); });
        await app.ReadTenantAsync(busy.ApiKey, HttpStatusCode.TooManyRequests);

        await app.ReadTenantAsync(calm.ApiKey);
    }

    [Fact]
    public async Task webhooks_are_limited_per_client_address_and_health_is_never_limited()
    {
        for (var i = 0; i < 5; i++) await app.Host.Scenario(s => s.Get.Url("/health")); // 200 every time

        // Unsigned: whatever the first two answer, it is not 429; the third is.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            var result = await app.Host.Scenario(s =>
            {
                s.Post.Text("{}").ToUrl("/api/v1/ingest/webhook/shopify");
                s.IgnoreStatusCode();
            });
            statuses.Add((HttpStatusCode)result.Context.Response.StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(2));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[2]);
    }
}

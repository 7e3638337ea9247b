using System.Net;
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
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.GetAsync("/api/v1/tenant")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.GetAsync("/api/v1/tenant")).StatusCode);

        var limited = await tenant.Http.GetAsync("/api/v1/tenant");
        var detail = await limited.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("This tenant sent more than 0.01 requests per second", detail);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 100);
        Assert.Contains($"Retry after {retryAfter.Value.TotalSeconds:0} s", detail);
    }

    [Fact]
    public async Task one_tenant_at_its_limit_does_not_hold_back_another()
    {
        var busy = await app.CreateTenantAsync("Busy", scopes: Scopes.Read);
        var calm = await app.CreateTenantAsync("Calm", scopes: Scopes.Read);
        for (var i = 0; i < 3; i++) await busy.Http.GetAsync("/api/v1/tenant");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await busy.Http.GetAsync("/api/v1/tenant")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await calm.Http.GetAsync("/api/v1/tenant")).StatusCode);
    }

    [Fact]
    public async Task webhooks_are_limited_per_client_address_and_health_is_never_limited()
    {
        var client = app.CreateClient();
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            statuses.Add((await client.PostAsync("/api/v1/ingest/webhook/shopify", new StringContent("{}"))).StatusCode);

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(2));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[2]);
    }
}

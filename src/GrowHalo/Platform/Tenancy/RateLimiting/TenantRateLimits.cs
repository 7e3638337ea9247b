using System.Globalization;
using GrowHalo.Platform.Http;
using Microsoft.Extensions.Options;

namespace GrowHalo.Platform.Tenancy.RateLimiting;

/// <summary>
/// Settings under <c>RateLimits</c>. Defaults are generous so benchmarks are not throttled; a rate below 1 means one
/// permit every 1/rate seconds.
/// </summary>
public sealed class RateLimitSettings
{
    public bool Enabled { get; set; } = true;
    /// <summary>Sustained requests per second per tenant (key-authenticated requests), over all nodes together.</summary>
    public double PermitsPerSecond { get; set; } = 200;
    /// <summary>Requests a tenant may send at once after a quiet spell.</summary>
    public int Burst { get; set; } = 400;
    /// <summary>Per client address: signed webhooks and requests without a valid key.</summary>
    public double PerAddressPermitsPerSecond { get; set; } = 200;
    public int PerAddressBurst { get; set; } = 400;
    /// <summary>
    /// Most tokens a node takes from the shared bucket at once (see <see cref="SharedTokenBuckets"/>); 1 asks the
    /// database for every request. Also capped at a tenth of the burst and at one second's refill.
    /// </summary>
    public int LeaseSize { get; set; } = 10;
}

/// <summary>
/// A token bucket per tenant for /api/ requests (partitioned by the tenant claim of the key), and one per client
/// address for signed webhooks and keyless requests (whose tenant is not known before their signature is checked),
/// shared by every node through PostgreSQL (<see cref="SharedTokenBuckets"/>). A rejected request gets 429 problem
/// details with Retry-After. /health and everything outside /api/ is not limited.
/// </summary>
public static class TenantRateLimits
{
    public static IServiceCollection AddTenantRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitSettings>().Bind(configuration.GetSection("RateLimits")).Validate(
            s => !s.Enabled || (s.PermitsPerSecond > 0 && s.Burst > 0 && s.PerAddressPermitsPerSecond > 0 && s.PerAddressBurst > 0 && s.LeaseSize > 0),
            "RateLimits: permits per second, burst and lease size must be above 0 (set RateLimits:Enabled=false to turn limits off).").ValidateOnStart();
        services.AddSingleton<SharedTokenBuckets>();
        return services;
    }

    /// <summary>After authentication (the tenant claim), before authorisation and the endpoint.</summary>
    public static async Task Middleware(HttpContext context, RequestDelegate next)
    {
        if (Rule(context) is { } rule)
        {
            var decision = await context.RequestServices.GetRequiredService<SharedTokenBuckets>().TakeAsync(rule, context.RequestAborted);
            if (!decision.Admitted)
            {
                await RejectAsync(context, decision.RetryAfter);
                return;
            }
        }
        await next(context);
    }

    private static BucketRule? Rule(HttpContext context)
    {
        var settings = context.RequestServices.GetRequiredService<IOptions<RateLimitSettings>>().Value;
        if (!settings.Enabled || !context.Request.Path.StartsWithSegments(ApiKeyRequirement.Api)) return null;
        var tenant = context.User.FindFirst(ApiKeyAuthentication.TenantClaim)?.Value;
        if (tenant is not null) return new BucketRule("tenant:" + tenant, settings.PermitsPerSecond, settings.Burst);
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return new BucketRule("address:" + address, settings.PerAddressPermitsPerSecond, settings.PerAddressBurst);
    }

    private static async Task RejectAsync(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var settings = context.RequestServices.GetRequiredService<IOptions<RateLimitSettings>>().Value;
        var detail = context.User.HasClaim(c => c.Type == ApiKeyAuthentication.TenantClaim)
            ? $"This tenant sent more than {settings.PermitsPerSecond:0.##} requests per second (bursts up to {settings.Burst}). " +
              $"Retry after {seconds} s, and spread requests out or batch them (POST /api/v1/ingest/batch)."
            : $"This client address sent more than {settings.PerAddressPermitsPerSecond:0.##} requests per second " +
              $"(bursts up to {settings.PerAddressBurst}) without an API key. Retry after {seconds} s.";
        await Problems.Write(context, StatusCodes.Status429TooManyRequests, "Too many requests", detail,
            new Dictionary<string, object?> { ["retry_after_seconds"] = seconds });
    }
}

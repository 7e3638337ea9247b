using System.Globalization;
using System.Threading.RateLimiting;
using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace GrowHalo.Platform.Tenancy.RateLimiting;

/// <summary>
/// Settings under <c>RateLimits</c>. Defaults are generous so benchmarks are not throttled; a rate below 1 means one
/// permit every 1/rate seconds.
/// </summary>
public sealed class RateLimitSettings
{
    public bool Enabled { get; set; } = true;
    /// <summary>Sustained requests per second per tenant (key-authenticated requests).</summary>
    public double PermitsPerSecond { get; set; } = 200;
    /// <summary>Requests a tenant may send at once after a quiet spell.</summary>
    public int Burst { get; set; } = 400;
    /// <summary>Per client address: signed webhooks and requests without a valid key.</summary>
    public double PerAddressPermitsPerSecond { get; set; } = 200;
    public int PerAddressBurst { get; set; } = 400;
}

/// <summary>
/// A token bucket per tenant for /api/ requests (partitioned by the tenant claim of the key), and one per client
/// address for signed webhooks and keyless requests (whose tenant is not known before their signature is checked).
/// A rejected request gets 429 problem details with Retry-After. /health and everything outside /api/ is not limited.
/// </summary>
public static class TenantRateLimits
{
    public static IServiceCollection AddTenantRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RateLimitSettings>(configuration.GetSection("RateLimits"));
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(Partition);
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RejectAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context)
    {
        var settings = context.RequestServices.GetRequiredService<IOptions<RateLimitSettings>>().Value;
        if (!settings.Enabled || !context.Request.Path.StartsWithSegments(ApiKeyRequirement.Api))
            return RateLimitPartition.GetNoLimiter("");
        var tenant = context.User.FindFirst(ApiKeyAuthentication.TenantClaim)?.Value;
        if (tenant is not null)
            return RateLimitPartition.GetTokenBucketLimiter("tenant:" + tenant, _ => Bucket(settings.PermitsPerSecond, settings.Burst));
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetTokenBucketLimiter("address:" + address,
            _ => Bucket(settings.PerAddressPermitsPerSecond, settings.PerAddressBurst));
    }

    private static TokenBucketRateLimiterOptions Bucket(double perSecond, int burst)
    {
        if (perSecond <= 0 || burst <= 0)
            throw new InvalidOperationException("RateLimits: permits per second and burst must be above 0 (set RateLimits:Enabled=false to turn limits off).");
        var (tokens, period) = perSecond >= 1
            ? ((int)Math.Round(perSecond), TimeSpan.FromSeconds(1))
            : (1, TimeSpan.FromSeconds(1 / perSecond));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst, TokensPerPeriod = tokens, ReplenishmentPeriod = period, QueueLimit = 0, AutoReplenishment = true,
        };
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
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

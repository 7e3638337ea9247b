using System.Diagnostics;
using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Platform.Http;

/// <summary>One structured log line per request: method, path, status, time taken, tenant.</summary>
internal sealed class RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var clock = Stopwatch.StartNew();
        try { await next(context); }
        finally
        {
            logger.LogInformation("HTTP {Method} {Path} → {Status} in {Elapsed:0.0} ms (tenant {Tenant})",
                context.Request.Method, context.Request.Path, context.Response.StatusCode, clock.Elapsed.TotalMilliseconds,
                context.User.FindFirst(ApiKeyAuthentication.TenantClaim)?.Value ?? "-");
        }
    }
}

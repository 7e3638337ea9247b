using System.Diagnostics;
using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Platform.Http;

/// <summary>
/// One structured log line per request: method, path, status, time taken, tenant. Accepted webhooks are logged at
/// Debug: platforms send thousands a minute, and a console line each cost more CPU than storing them (the ingest
/// status and ledger count them). A webhook that is refused or fails is logged at Information like any request.
/// </summary>
internal sealed class RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try { await next(context); }
        finally
        {
            var level = IsAcceptedWebhook(context) ? LogLevel.Debug : LogLevel.Information;
            if (logger.IsEnabled(level))
                logger.Log(level, "HTTP {Method} {Path} → {Status} in {Elapsed:0.0} ms (tenant {Tenant})",
                    context.Request.Method, context.Request.Path, context.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    context.User.FindFirst(ApiKeyAuthentication.TenantClaim)?.Value ?? "-");
        }
    }

    private static bool IsAcceptedWebhook(HttpContext context) =>
        context.Response.StatusCode is >= 200 and < 300 && context.Request.Path.StartsWithSegments(ApiKeyRequirement.Webhooks);
}

using GrowHalo.Platform.Tenancy;
using Serilog;
using Serilog.Events;

namespace GrowHalo.Platform.Http;

/// <summary>
/// One structured line per request (Serilog's request logging): method, route template, status, time taken, tenant
/// and trace id. The route template rather than the path, and never a header, the query string or the body: an API
/// key, a webhook's secret or signature, or a customer's e-mail never reaches the log. Accepted webhooks are logged at
/// Debug: platforms send thousands a minute, and a console line each cost more CPU than storing them (the ingest
/// status and ledger count them). A webhook that is refused or fails is logged like any request.
/// </summary>
public static class RequestLogging
{
    /// <summary>Where an endpoint that proves its tenant otherwise (a signed webhook) leaves it for the request line.</summary>
    public const string TenantItem = "growhalo:tenant";

    public const string Template = "HTTP {RequestMethod} {Route} → {StatusCode} in {Elapsed:0.0} ms (tenant {TenantId})";

    public static IApplicationBuilder UseGrowHaloRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options =>
        {
            // This host's logger, not the static Log.Logger (Serilog's default here): with several hosts in one process
            // (the tests' servers) the static logger is whichever host started last, and request lines went to its sinks.
            options.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
            options.MessageTemplate = Template;
            options.IncludeQueryInRequestPath = false;
            options.GetLevel = (context, _, error) =>
                error is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
                : IsAcceptedWebhook(context) ? LogEventLevel.Debug
                : LogEventLevel.Information;
            options.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                diagnostics.Set("Route", RouteOf(context));
                diagnostics.Set("TenantId", context.User.FindFirst(ApiKeyAuthentication.TenantClaim)?.Value
                    ?? context.Items[TenantItem] as string ?? "-");
                diagnostics.Set("TraceId", System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier);
            };
        });

    /// <summary>
    /// The matched route's template. An answer the exception handler wrote (a 503 while the database is away) has had
    /// its endpoint cleared by the handler, which keeps it on its feature: the line still names the route that failed.
    /// </summary>
    private static string RouteOf(HttpContext context) =>
        ((context.GetEndpoint() ?? context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Endpoint) as RouteEndpoint)
        ?.RoutePattern.RawText ?? "(no route)";

    private static bool IsAcceptedWebhook(HttpContext context) =>
        context.Response.StatusCode is >= 200 and < 300 && context.Request.Path.StartsWithSegments(ApiKeyRequirement.Webhooks);
}

namespace GrowHalo.Platform.Http;

/// <summary>Settings under "Cors": the origins whose pages may call the API from a browser. Empty (the default): none.</summary>
public sealed class CorsSettings
{
    public const string Section = "Cors";

    public List<string> AllowedOrigins { get; set; } = [];
}

/// <summary>
/// Headers on every answer, the dashboard's and the API's, errors included: a Content-Security-Policy that allows only
/// the server's own scripts, styles and connections (no inline script) and no framing, <c>nosniff</c>, no Referer,
/// <c>X-Frame-Options: DENY</c> for browsers without frame-ancestors, and HSTS when the request came over HTTPS.
/// An endpoint that set its own policy (the Shopify install's error page) keeps it. CORS is off unless
/// <c>Cors:AllowedOrigins</c> lists origins: then those, and only those, get CORS headers (preflights included).
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>One year; sent only over HTTPS (a browser ignores it over HTTP, and a plain-HTTP demo must stay reachable).</summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    private const string CorsPolicy = "growhalo-allowed-origins";

    public static IServiceCollection AddGrowHaloSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = AllowedOrigins(configuration);
        if (origins.Length > 0)
            services.AddCors(o => o.AddPolicy(CorsPolicy, p => p.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod()
                .WithExposedHeaders("Location", "Retry-After").SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return services;
    }

    /// <summary>First in the pipeline, so every answer carries the headers, whoever writes it.</summary>
    public static WebApplication UseGrowHaloSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                if (!headers.ContainsKey("Content-Security-Policy")) headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                if (!headers.ContainsKey("Referrer-Policy")) headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                if (context.Request.IsHttps) headers.StrictTransportSecurity = StrictTransportSecurity;
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    /// <summary>Before authentication, so a preflight (which carries no credentials) is answered for allowed origins.</summary>
    public static WebApplication UseGrowHaloCors(this WebApplication app)
    {
        if (AllowedOrigins(app.Configuration).Length > 0) app.UseCors(CorsPolicy);
        return app;
    }

    private static string[] AllowedOrigins(IConfiguration configuration) =>
        (configuration.GetSection(CorsSettings.Section).Get<CorsSettings>()?.AllowedOrigins ?? [])
        .Select(o => o.Trim().TrimEnd('/')).Where(o => o.Length > 0).ToArray();
}

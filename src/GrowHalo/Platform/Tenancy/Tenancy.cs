using GrowHalo.Platform.Tenancy.Operator;
using GrowHalo.Platform.Tenancy.RateLimiting;
using Microsoft.AspNetCore.Authentication;

namespace GrowHalo.Platform.Tenancy;

/// <summary>
/// Entry point of tenancy. Many brands share one GrowHalo and none may see or change another's data:
/// <list type="bullet">
/// <item>every /api/ request but signed webhooks needs an <c>x-api-key</c> (<see cref="ApiKeyAuthentication"/>,
/// <see cref="ApiKeyRequirement"/>); the tenant of a request comes from its key alone (<see cref="RequestTenant"/>);</item>
/// <item>endpoints declare the scope they need with <c>[RequireScope(Scopes.Read)]</c> (the operator's with <c>[RequireOperator]</c>);</item>
/// <item>PostgreSQL row-level security is a second wall: read and write one tenant's rows in a <see cref="TenantDb"/>;</item>
/// <item>per-tenant rate limits (<see cref="TenantRateLimits"/>);</item>
/// <item>endpoints: tenant settings, key management, and the operator's tenant creation.</item>
/// </list>
/// </summary>
public static class TenancyModule
{
    public static IServiceCollection AddTenancy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, OperatorAuthentication>(OperatorAuthentication.SchemeName, null);
        services.AddAuthorization(o => o.FallbackPolicy = ApiKeyRequirement.FallbackPolicy);
        services.AddTenantRateLimits(configuration);
        services.AddOptions<ApiKeyThrottleOptions>().BindConfiguration("ApiKeys");
        services.AddSingleton<ApiKeyThrottle>();
        return services;
    }

    /// <summary>
    /// Authentication, then rate limits (partitioned by the authenticated tenant), then authorisation. A webhook without
    /// an x-api-key skips both auth steps: it has no credentials to authenticate (the key scheme would answer "no
    /// result") and its endpoint is anonymous (authorisation would pass it), so they were pure cost on the busiest
    /// route. It proves itself with its signature in the endpoint; the rate limiter still counts it per address.
    /// </summary>
    public static IApplicationBuilder UseTenancy(this IApplicationBuilder app)
    {
        app.UseWhen(NeedsAuth, a => a.Use(ApiKeyThrottle.Middleware).UseAuthentication()).Use(TenantRateLimits.Middleware).UseWhen(NeedsAuth, a => a.UseAuthorization());
        // WebApplication puts authentication and authorisation at the very start of the pipeline, before request logging,
        // error handling and rate limits, unless the app has called them; the calls above are in branches, which it
        // does not see. Without these two flags every 401 and 403 skipped request logging and the branches ran twice.
        app.Properties["__AuthenticationMiddlewareSet"] = true;
        app.Properties["__AuthorizationMiddlewareSet"] = true;
        return app;
    }

    private static bool NeedsAuth(HttpContext context) =>
        !context.Request.Path.StartsWithSegments(ApiKeyRequirement.Webhooks) || context.Request.Headers.ContainsKey(ApiKeyAuthentication.Header);
}

using Microsoft.AspNetCore.Authorization;

namespace GrowHalo.Platform.Tenancy;

/// <summary>
/// Every endpoint under /api/ needs a valid API key unless it declares otherwise (<c>AllowAnonymous</c>, as the
/// operator endpoint does, or its own policy): the authorisation fallback, so endpoints added later are covered
/// without anyone remembering to. Signed platform webhooks are exempt: they prove themselves with a signature.
/// </summary>
internal static class ApiKeyRequirement
{
    public static readonly PathString Api = "/api";
    public static readonly PathString Webhooks = "/api/v1/ingest/webhook";

    public static bool NeedsKey(PathString path) => path.StartsWithSegments(Api) && !path.StartsWithSegments(Webhooks);

    /// <summary>Fails closed: anything under /api/ but webhooks needs an authenticated tenant.</summary>
    public static AuthorizationPolicy FallbackPolicy { get; } = new AuthorizationPolicyBuilder(Accounts.UserAuthentication.SchemeName, ApiKeyAuthentication.SchemeName, Dashboard.Sessions.DashboardSessionAuthentication.SchemeName)
        .RequireAssertion(ctx => ctx.Resource is HttpContext http &&
            (!NeedsKey(http.Request.Path) || ctx.User.HasClaim(c => c.Type == ApiKeyAuthentication.TenantClaim)))
        .Build();
}

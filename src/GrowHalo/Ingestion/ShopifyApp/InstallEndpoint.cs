using GrowHalo.Platform.Accounts;
using GrowHalo.Dashboard.Sessions;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace GrowHalo.Ingestion.ShopifyApp;

/// <summary>
/// <c>GET /auth/shopify/install?shop=acme.myshopify.com</c>: the start of an app install, opened in a browser by a
/// signed-in dashboard user (its session says which tenant installs) or called with an admin-scope x-api-key. Checks
/// the shop's name, keeps a one-time state for this tenant and shop, and sends the browser to the shop's authorize
/// page. A browser flow: errors are HTML pages, and it is not part of the JSON API's OpenAPI document.
/// </summary>
public static class InstallEndpoint
{
    [WolverineGet("/auth/shopify/install", OperationId = "ShopifyAppInstall"), AllowAnonymous, ExcludeFromDescription]
    public static async Task<IResult> Install(string? shop, HttpContext http, IOptions<ShopifyAppOptions> options, InstallStates states,
        CancellationToken ct)
    {
        var o = options.Value;
        if (o.Missing() is { Count: > 0 } missing)
            return InstallPage.Error(http, StatusCodes.Status503ServiceUnavailable, "Shopify app not configured",
                $"This GrowHalo has no Shopify app configured (missing: {string.Join(", ", missing)}).",
                "Ask the operator to set them (see docs/connecting-a-store.md), then try again.");
        var domain = ShopDomains.Validate(shop);
        if (domain is null)
            return InstallPage.Error(http, StatusCodes.Status400BadRequest, "Not a Shopify shop",
                string.IsNullOrWhiteSpace(shop) ? "The install link names no shop (the shop query parameter is missing)."
                    : $"'{shop}' is not a shop GrowHalo can install on: it must be {ShopDomains.Rule}.",
                "Open /auth/shopify/install?shop=your-store.myshopify.com with your store's myshopify domain (Shopify admin → Settings → Domains).");
        var (tenantId, refusal) = await InstallerAsync(http);
        if (refusal is not null) return refusal;

        var state = await states.IssueAsync(tenantId!, domain, ct);
        var query = QueryString.Create(new Dictionary<string, string?>
        {
            ["client_id"] = o.ClientId, ["scope"] = o.Scopes, ["redirect_uri"] = o.RedirectUri, ["state"] = state,
        });
        return TypedResults.Redirect($"{ShopDomains.BaseUrl(domain, o)}/admin/oauth/authorize{query}");
    }

    /// <summary>Whose install this is: an admin API key's tenant, else the signed-in owner's or admin's.</summary>
    private static async Task<(string? TenantId, IResult? Refusal)> InstallerAsync(HttpContext http)
    {
        if (http.Request.Headers.ContainsKey(ApiKeyAuthentication.Header))
        {
            var byKey = await http.AuthenticateAsync(ApiKeyAuthentication.SchemeName);
            if (!byKey.Succeeded)
                return (null, InstallPage.Error(http, StatusCodes.Status401Unauthorized, "Not signed in",
                    byKey.Failure?.Message ?? "The x-api-key header does not hold a valid API key.", "Send a valid admin-scope API key."));
            if (!byKey.Principal.HasClaim(ApiKeyAuthentication.ScopeClaim, Scopes.Admin))
                return (null, InstallPage.Error(http, StatusCodes.Status403Forbidden, "Not allowed",
                    $"Installing a store needs the '{Scopes.Admin}' scope, which this API key lacks.", "Use a key created with --scopes admin."));
            return (byKey.Principal.FindFirst(ApiKeyAuthentication.TenantClaim)!.Value, null);
        }
        // A signed-in person (owner or admin of the workspace), else the demo's key-link session.
        var byUser = await http.AuthenticateAsync(UserAuthentication.SchemeName);
        var bySession = byUser.Succeeded ? byUser : await http.AuthenticateAsync(DashboardSessionAuthentication.SchemeName);
        if (bySession.Succeeded && bySession.Principal.FindFirst(ApiKeyAuthentication.TenantClaim)?.Value is { } tenant)
            return bySession.Principal.HasClaim(ApiKeyAuthentication.ScopeClaim, Scopes.Admin)
                ? (tenant, null)
                : (null, InstallPage.Error(http, StatusCodes.Status403Forbidden, "Not allowed",
                    "Connecting a store is for the workspace's owners and admins; this sign-in may only read.",
                    "Ask an owner or admin to open this install link, or sign in as one."));
        return (null, InstallPage.Error(http, StatusCodes.Status401Unauthorized, "Sign in first",
            bySession.Failure?.Message ?? "GrowHalo does not know which workspace to connect this shop to.",
            "Sign in to the dashboard (/dashboard), then open this install link again in the same browser."));
    }
}

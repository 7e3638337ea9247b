using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace GrowHalo.Dashboard.Pages;

/// <summary>
/// <c>GET /dashboard</c>: the page shell, and <c>GET /</c> leads to it. Public: it holds no data (the data comes
/// from authenticated fetches).
/// </summary>
public static class DashboardPageEndpoint
{
    // The page only talks to its own origin; nothing may frame it, and sign-in links never leak through a Referer.
    private const string ContentSecurityPolicy = SecurityHeaders.ContentSecurityPolicy;

    [WolverineGet("/", OperationId = "DashboardRoot"), AllowAnonymous, ExcludeFromDescription]
    public static RedirectHttpResult Root() => TypedResults.Redirect("/dashboard");

    [WolverineGet("/dashboard", OperationId = "DashboardPage"), AllowAnonymous, ExcludeFromDescription]
    public static Results<AssetResult, ProblemHttpResult> Get(HttpContext http, DashboardAssets assets)
    {
        if (!assets.Built)
            return TypedResults.Problem("This GrowHalo executable was built without its dashboard. Install Node.js and npm, then run `dotnet build` again (without -p:SkipDashboardUi=true).",
                http.Request.Path, StatusCodes.Status503ServiceUnavailable, "Dashboard not built");
        http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers.XFrameOptions = "DENY";
        return new AssetResult(assets.Find("index.html")!);
    }
}

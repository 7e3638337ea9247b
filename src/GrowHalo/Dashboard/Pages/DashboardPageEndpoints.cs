using GrowHalo.Platform.Http;

namespace GrowHalo.Dashboard.Pages;

/// <summary>The page shell and its assets: public (they hold no data; the data comes from authenticated fetches).</summary>
public static class DashboardPageEndpoints
{
    // The page only talks to its own origin; nothing may frame it, and sign-in links never leak through a Referer.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapDashboardPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => TypedResults.Redirect("/dashboard")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/dashboard", Page).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/dashboard/assets/{name}", Asset).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task Page(HttpContext http, DashboardAssets assets)
    {
        if (!assets.Built)
        {
            await Problems.Write(http, StatusCodes.Status503ServiceUnavailable, "Dashboard not built",
                "This GrowHalo executable was built without its dashboard. Install Node.js and npm, then run `dotnet build` again (without -p:SkipDashboardUi=true).");
            return;
        }
        SecurityHeaders(http.Response);
        await Write(http, assets.Find("index.html")!);
    }

    private static Task Asset(HttpContext http, string name, DashboardAssets assets)
    {
        var asset = name == "index.html" ? null : assets.Find(name);
        if (asset is null) return Problems.Write(http, StatusCodes.Status404NotFound, "Not found", $"The dashboard has no file named '{name}'.");
        return Write(http, asset);
    }

    private static async Task Write(HttpContext http, DashboardAsset asset)
    {
        // Revalidate every time (ETag → 304): a new GrowHalo version is picked up at once, unchanged files cost nothing.
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.ETag = asset.ETag.ToString();
        http.Response.Headers.XContentTypeOptions = "nosniff";
        if (http.Request.Headers.IfNoneMatch.ToString() == asset.ETag.ToString())
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        http.Response.ContentType = asset.ContentType;
        http.Response.ContentLength = asset.Content.Length;
        if (HttpMethods.IsHead(http.Request.Method)) return;
        await http.Response.Body.WriteAsync(asset.Content, http.RequestAborted);
    }

    private static void SecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XFrameOptions = "DENY";
    }
}

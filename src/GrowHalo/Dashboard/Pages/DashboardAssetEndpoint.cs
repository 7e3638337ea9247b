using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace GrowHalo.Dashboard.Pages;

/// <summary>
/// <c>GET /dashboard/assets/{name}</c>: the page's script, styles and icon (<see cref="DashboardAssets"/>). Public,
/// like the page; the page itself (index.html) is only served at <c>/dashboard</c>, with its security headers.
/// </summary>
public static class DashboardAssetEndpoint
{
    [WolverineGet("/dashboard/assets/{name}", OperationId = "DashboardAsset"), AllowAnonymous, ExcludeFromDescription]
    public static Results<AssetResult, ProblemHttpResult> Get(string name, HttpContext http, DashboardAssets assets) =>
        (name == "index.html" ? null : assets.Find(name)) is { } asset
            ? new AssetResult(asset)
            : TypedResults.Problem($"The dashboard has no file named '{name}'.", http.Request.Path, StatusCodes.Status404NotFound, "Not found");
}

using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace GrowHalo.Dashboard.Pages;

/// <summary>
/// One of the dashboard's files as the response: 200 with the file, or 304 when the browser's copy (If-None-Match)
/// is the current one. Every answer says to revalidate (Cache-Control: no-cache) and carries the file's ETag.
/// </summary>
public sealed class AssetResult(DashboardAsset asset) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext http)
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

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified));
    }
}

using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Ingestion.Sync;

/// <summary>
/// While a tenant's re-projection is queued or running, every successful GET under /api/v1 of that tenant (metrics,
/// analytics, orders, customers: the answers that carry as_of) carries <c>GrowHalo-Recomputing: true</c>: its numbers
/// may be part old, part new until the run completes. Added when the answer starts, after authentication named the tenant.
/// </summary>
public static class RecomputingHeader
{
    public const string Name = "GrowHalo-Recomputing";

    internal sealed class StartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (HttpMethods.IsGet(http.Request.Method) && http.Request.Path.StartsWithSegments("/api/v1"))
                    http.Response.OnStarting(() => MarkAsync(http));
                return nextMiddleware(http);
            });
            next(app);
        };

        private static async Task MarkAsync(HttpContext http)
        {
            if (http.Response.StatusCode != StatusCodes.Status200OK || http.User.FindFirst(ApiKeyAuthentication.TenantClaim)?.Value is not { } tenantId) return;
            if (await http.RequestServices.GetRequiredService<SyncRunStore>().ReprojectingAsync(tenantId, http.RequestAborted))
                http.Response.Headers[Name] = "true";
        }
    }
}

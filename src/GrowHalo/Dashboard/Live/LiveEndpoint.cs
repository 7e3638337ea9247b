using System.Reflection;
using GrowHalo.Dashboard.Sessions;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace GrowHalo.Dashboard.Live;

/// <summary>
/// <c>GET /dashboard/live</c>: Server-Sent Events for the signed-in tenant. It sends <c>ready</c> once, then
/// <c>changed</c> (with no data) whenever a projection applied this tenant's events, and a keep-alive comment when
/// idle, at which point it also re-checks the credentials: a revoked key or a sign-out ends the stream.
/// </summary>
public static class LiveEndpoint
{
    [WolverineGet("/dashboard/live", OperationId = "DashboardLive"), RequireScope(Scopes.Read), Tags("Dashboard")]
    public static EventStream Get(RequestTenant tenant, LiveUpdates live, IHostApplicationLifetime lifetime,
        DashboardSessionStore sessions, ApiKeyStore keys, TimeProvider clock, IOptions<DashboardOptions> options) =>
        new(http => Stream(http, tenant, live, lifetime, sessions, keys, clock, options.Value));

    private static async Task Stream(HttpContext http, RequestTenant tenant, LiveUpdates live, IHostApplicationLifetime lifetime,
        DashboardSessionStore sessions, ApiKeyStore keys, TimeProvider clock, DashboardOptions options)
    {
        // Also stop when the server stops: an open stream must not hold up shutdown.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var ct = stop.Token;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache, no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no"; // tell reverse proxies not to buffer the stream
        using var subscription = live.Subscribe(tenant.Id);
        try
        {
            await Send(http, "retry: 3000\nevent: ready\ndata: {}\n\n", ct);
            while (!ct.IsCancellationRequested)
            {
                if (await subscription.WaitAsync(options.LiveHeartbeat, ct))
                    await Send(http, "event: changed\ndata: {}\n\n", ct);
                else if (await StillAllowedAsync(http, sessions, keys, clock, ct))
                    await Send(http, ": keep-alive\n\n", ct);
                else
                    return;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private static async Task Send(HttpContext http, string text, CancellationToken ct)
    {
        await http.Response.WriteAsync(text, ct);
        await http.Response.Body.FlushAsync(ct);
    }

    private static async Task<bool> StillAllowedAsync(HttpContext http, DashboardSessionStore sessions, ApiKeyStore keys, TimeProvider clock, CancellationToken ct)
    {
        if (http.Request.Headers.TryGetValue(ApiKeyAuthentication.Header, out var raw))
        {
            var key = await keys.FindByRawKeyAsync(raw.ToString().Trim(), ct);
            return key is not null && KeyCheck.Check(key.Prefix, key.Scopes, key.RevokedAt, key.ExpiresAt, clock.GetUtcNow()) is null;
        }
        // A person's session: still live, still on this tenant, still a member of it.
        if (http.User.FindFirst(Platform.Accounts.UserAuthentication.SessionClaim)?.Value is { } userSession)
        {
            var session = await http.RequestServices.GetRequiredService<Platform.Accounts.UserSessionStore>().ValidateAsync(userSession, ct);
            return session is { Role: not null } && session.TenantId == http.User.FindFirst(ApiKeyAuthentication.TenantClaim)?.Value;
        }
        return SessionCookie.Read(http.Request) is { } id && (await sessions.ValidateAsync(id, ct)).Session is not null;
    }
}

/// <summary>
/// A <c>text/event-stream</c> response that <paramref name="write"/> writes and flushes itself, event by event, until
/// the client goes away (the endpoint's typed result, so OpenAPI shows a 200 event stream).
/// </summary>
public sealed class EventStream(Func<HttpContext, Task> write) : IResult, IEndpointMetadataProvider
{
    public Task ExecuteAsync(HttpContext http) => write(http);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/event-stream"]));
}

using Npgsql;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Dashboard.Sessions;

public sealed record SignInRequest(string? ApiKey);

public sealed record SessionTenant(string Id, string Name, string Currency, string TimeZone);

/// <summary>What the page needs to start: whose dashboard, today in their time zone, and whether any data arrived yet.</summary>
public sealed record SessionInfo(SessionTenant Tenant, DateOnly Today, bool HasData);

/// <summary>
/// Sign-in and sign-out. <c>POST /dashboard/sign-in</c> takes <c>{"api_key": …}</c> from the page.
/// <c>GET /dashboard/sign-in?key=…</c> (or <c>?token=…</c>, a one-time link) sets the cookie and redirects to the
/// dashboard, for `growhalo demo` and other launchers; on failure it redirects with a code the page explains.
/// </summary>
public static class SignInEndpoints
{
    public static IEndpointRouteBuilder MapDashboardSessions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/dashboard/sign-in", SignIn).AllowAnonymous().DisableAntiforgery().WithTags("Dashboard");
        app.MapGet("/dashboard/sign-in", SignInLink).AllowAnonymous().WithTags("Dashboard");
        app.MapPost("/dashboard/sign-out", SignOut).AllowAnonymous().DisableAntiforgery().WithTags("Dashboard");
        app.MapGet("/dashboard/session", Current).RequireScope(Scopes.Read).WithTags("Dashboard");
        return app;
    }

    private static async Task<IResult> SignIn(SignInRequest? body, HttpContext http, DashboardSessionStore sessions, TenantStore tenants,
        NpgsqlDataSource events, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.ApiKey))
            return Problems.BadRequest("Send your API key as JSON: {\"api_key\": \"ghk_…\"}.");
        var result = await sessions.SignInWithKeyAsync(body.ApiKey, ct);
        if (result.Failure is { } failure)
            return TypedResults.Problem(failure.Detail, statusCode: failure.Status, title: failure.Status == 403 ? "Forbidden" : "Unauthorized");
        await StartAsync(http, sessions, result.SessionId!, ct);
        return TypedResults.Ok(await InfoAsync(result.Session!.TenantId, tenants, events, clock, ct));
    }

    private static async Task<IResult> SignInLink(string? key, string? token, HttpContext http, DashboardSessionStore sessions, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        var result = !string.IsNullOrWhiteSpace(token) ? await sessions.SignInWithLinkAsync(token, ct)
            : !string.IsNullOrWhiteSpace(key) ? await sessions.SignInWithKeyAsync(key, ct)
            : new SignInResult(null, null, new SignInFailure("missing_key", 400, "Pass ?key= or ?token=."));
        if (result.Failure is { } failure) return SeeOther(http, $"/dashboard?sign_in_error={failure.Code}");
        await StartAsync(http, sessions, result.SessionId!, ct);
        return SeeOther(http, "/dashboard");
    }

    // 303 See Other: the browser follows with a GET and the address bar ends on /dashboard, so the key leaves it at once.
    private static IResult SeeOther(HttpContext http, string location)
    {
        http.Response.Headers.Location = location;
        return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static async Task<IResult> SignOut(HttpContext http, DashboardSessionStore sessions, CancellationToken ct)
    {
        if (SessionCookie.Read(http.Request) is { } id) await sessions.SignOutAsync(id, ct);
        SessionCookie.Clear(http);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Current(RequestTenant tenant, TenantStore tenants, NpgsqlDataSource events, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await InfoAsync(tenant.Id, tenants, events, clock, ct));

    /// <summary>Sets the new session's cookie, ending the session the browser had before (if any).</summary>
    private static async Task StartAsync(HttpContext http, DashboardSessionStore sessions, string sessionId, CancellationToken ct)
    {
        if (SessionCookie.Read(http.Request) is { } previous) await sessions.SignOutAsync(previous, ct);
        SessionCookie.Write(http, sessionId);
    }

    private static async Task<SessionInfo> InfoAsync(string tenantId, TenantStore tenants, NpgsqlDataSource events, TimeProvider clock, CancellationToken ct)
    {
        var tenant = await tenants.FindAsync(tenantId, ct) ?? throw new InvalidOperationException($"Tenant {tenantId} no longer exists.");
        await using var any = events.CreateCommand("select exists (select 1 from mt_streams where tenant_id = $1)");
        any.Parameters.Add(new() { Value = tenantId });
        var hasData = (bool)(await any.ExecuteScalarAsync(ct))!;
        return new SessionInfo(new SessionTenant(tenant.Id, tenant.Name, tenant.Currency, tenant.TimeZone), tenant.LocalDate(clock.GetUtcNow()), hasData);
    }
}

using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Wolverine.Http;

namespace GrowHalo.Dashboard.Sessions;

/// <summary>
/// <c>GET /dashboard/sign-in?key=…</c> (or <c>?token=…</c>, a one-time link) sets the cookie and redirects to the
/// dashboard, for `growhalo demo` and other launchers; on failure it redirects with a code the page explains.
/// </summary>
public static class SignInLinkEndpoint
{
    [WolverineGet("/dashboard/sign-in", OperationId = "DashboardSignInLink"), AllowAnonymous, Tags("Dashboard")]
    public static async Task<SeeOther> Get(string? key, string? token, HttpContext http, DashboardSessionStore sessions, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        var result = !string.IsNullOrWhiteSpace(token) ? await sessions.SignInWithLinkAsync(token, ct)
            : !string.IsNullOrWhiteSpace(key) ? await sessions.SignInWithKeyAsync(key, ct)
            : new SignInResult(null, null, new SignInFailure("missing_key", 400, "Pass ?key= or ?token=."));
        if (result.Failure is { } failure) return new SeeOther($"/dashboard?sign_in_error={failure.Code}");
        await SignInEndpoint.StartAsync(http, sessions, result.SessionId!, ct);
        return new SeeOther("/dashboard");
    }
}

/// <summary>
/// 303 See Other to <paramref name="location"/>: the browser follows with a GET and the address bar ends on
/// /dashboard, so the key leaves it at once. (TypedResults.Redirect only makes 301, 302, 307 and 308.)
/// </summary>
public sealed class SeeOther(string location) : IResult, IEndpointMetadataProvider
{
    public string Location => location;

    public Task ExecuteAsync(HttpContext http)
    {
        http.Response.Headers.Location = location;
        http.Response.StatusCode = StatusCodes.Status303SeeOther;
        return Task.CompletedTask;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status303SeeOther));
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace GrowHalo.Dashboard.Sessions;

/// <summary>
/// <c>POST /dashboard/sign-out</c>: ends the browser's session (a key's, or a person's signed in by e-mail) on the server (not just in the browser) and clears
/// its cookie. Anonymous, so a stale or already-ended cookie is cleared too.
/// </summary>
public static class SignOutEndpoint
{
    [WolverinePost("/dashboard/sign-out", OperationId = "DashboardSignOut"), AllowAnonymous, DisableAntiforgery, Tags("Dashboard")]
    public static async Task<NoContent> Post(HttpContext http, DashboardSessionStore sessions, CancellationToken ct)
    {
        if (SessionCookie.Read(http.Request) is { } id) await sessions.SignOutAsync(id, ct);
        SessionCookie.Clear(http);
        await Platform.Accounts.SigningIn.AccountSession.EndAsync(http, ct); // a person's session too
        return TypedResults.NoContent();
    }
}

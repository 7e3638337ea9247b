using GrowHalo.Platform.Http;
using Npgsql;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace GrowHalo.Dashboard.Sessions;

public sealed record SignInRequest(string? ApiKey);

/// <summary>
/// <c>POST /dashboard/sign-in</c> takes <c>{"api_key": …}</c> from the page, sets the session cookie
/// (<see cref="SessionCookie"/>) and answers the <see cref="SessionInfo"/>; a key that cannot sign in gets problem
/// details saying why (400 no key, 401 unknown/revoked/expired, 403 without the read scope, 429 after too many
/// unknown keys from the client's address).
/// </summary>
public static class SignInEndpoint
{
    /// <summary>The body is optional, as it was for the minimal API: an empty body is "no key" (400), not bad JSON.</summary>
    public sealed class Body
    {
        [FromBody] public SignInRequest? Request { get; set; }
    }

    [WolverinePost("/dashboard/sign-in", OperationId = "DashboardSignIn"), AllowAnonymous, DisableAntiforgery, Tags("Dashboard")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    public static async Task<Results<Ok<SessionInfo>, ProblemHttpResult>> Post([AsParameters] Body body, HttpContext http,
        DashboardSessionStore sessions, TenantStore tenants, TenantDatabases databases, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Request?.ApiKey))
            return Problems.BadRequest("Send your API key as JSON: {\"api_key\": \"ghk_…\"}.");
        // Guessing keys here counts like guessing them in x-api-key (ApiKeyThrottle), checked before the key is looked up.
        var throttle = http.RequestServices.GetRequiredService<ApiKeyThrottle>();
        var address = Platform.Accounts.AccountsModule.ClientAddress(http);
        if (await throttle.BlockedForAsync(address, ct) is { } wait) return throttle.TooMany(http, wait);
        var result = await sessions.SignInWithKeyAsync(body.Request.ApiKey, ct);
        if (result.Failure == KeyCheck.UnknownKey) await throttle.FailedAsync(address, ct);
        if (result.Failure is { } failure)
            return TypedResults.Problem(failure.Detail, statusCode: failure.Status, title: failure.Status == 403 ? "Forbidden" : "Unauthorized");
        await StartAsync(http, sessions, result.SessionId!, ct);
        return TypedResults.Ok(await SessionEndpoint.InfoAsync(result.Session!.TenantId, tenants, databases, clock, ct));
    }

    /// <summary>Sets the new session's cookie, ending the sessions the browser had before (a key's or a person's, if any).</summary>
    internal static async Task StartAsync(HttpContext http, DashboardSessionStore sessions, string sessionId, CancellationToken ct)
    {
        await Platform.Accounts.SigningIn.AccountSession.EndAsync(http, ct);
        SessionCookie.Write(http, sessionId);
    }
}

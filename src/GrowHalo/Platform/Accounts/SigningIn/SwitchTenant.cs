using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace GrowHalo.Platform.Accounts.SigningIn;

/// <summary>
/// <c>POST /api/auth/tenant</c> {tenant_id} (signed in): moves the session to another tenant the user belongs to; every
/// request after it reads and changes that tenant, with the user's role there.
/// </summary>
public static class SwitchTenant
{
    public sealed record SwitchTenantRequest(string? TenantId);

    [WolverinePost("/api/auth/tenant", OperationId = "SwitchTenant"), RequireUser, DisableAntiforgery, Tags("Accounts")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<Results<Ok<AccountResponse>, ValidationProblem, ProblemHttpResult>> Post(SwitchTenantRequest body, HttpContext http,
        UserStore users, UserSessionStore sessions, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.TenantId))
            return Problems.Invalid("The session stayed on its tenant.", new Dictionary<string, string[]> { ["tenant_id"] = ["Send the id of a tenant you belong to (see GET /api/auth/me)."] });
        var user = await users.GetAsync(http.User.UserId()!.Value, ct);
        if (user is null) return TypedResults.Problem(UserAuthentication.SessionEnded, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
        var account = await AccountResponse.LoadAsync(user, body.TenantId, users, ct);
        if (account.CurrentTenant is null)
            return Problems.NotFound($"You are not a member of a tenant with id '{body.TenantId}'. GET /api/auth/me lists yours; an owner or admin of another brand can invite you.");
        await sessions.SwitchTenantAsync(http.User.SessionId()!, account.CurrentTenant.Id, ct);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(account);
    }
}

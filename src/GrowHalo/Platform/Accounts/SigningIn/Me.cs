using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace GrowHalo.Platform.Accounts.SigningIn;

/// <summary><c>GET /api/auth/me</c> (signed in): the user, the tenant the session is on, and every tenant with their role in it.</summary>
public static class Me
{
    [WolverineGet("/api/auth/me", OperationId = "Me"), RequireUser, Tags("Accounts")]
    public static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> Get(HttpContext http, UserStore users, CancellationToken ct)
    {
        var user = await users.GetAsync(http.User.UserId()!.Value, ct);
        if (user is null) return TypedResults.Problem(UserAuthentication.SessionEnded, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await AccountResponse.LoadAsync(user, http.User.FindFirst(Tenancy.ApiKeyAuthentication.TenantClaim)?.Value, users, ct));
    }
}

using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace GrowHalo.Platform.Accounts.SigningIn;

/// <summary>
/// <c>POST /api/auth/password</c> {current_password, new_password} (signed in): sets a new password and ends every
/// other session of the user (other browsers get 401 on their next request); this one stays signed in.
/// </summary>
public static class ChangePassword
{
    public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

    [WolverinePost("/api/auth/password", OperationId = "ChangePassword"), RequireUser, DisableAntiforgery, Tags("Accounts")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Post(ChangePasswordRequest body, HttpContext http,
        UserStore users, Passwords passwords, LoginThrottle throttle, CancellationToken ct)
    {
        var user = await users.GetAsync(http.User.UserId()!.Value, ct);
        if (user is null) return TypedResults.Problem(UserAuthentication.SessionEnded, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
        if (string.IsNullOrEmpty(body?.CurrentPassword))
            return Problems.Invalid("The password was not changed.", new Dictionary<string, string[]> { ["current_password"] = ["Send your current password."] });
        // Guessing the current password through this endpoint counts against the same throttle as login.
        var (_, failure) = await Login.CheckAsync(http, user.Email, body.CurrentPassword, users, passwords, throttle, ct);
        if (failure is { StatusCode: StatusCodes.Status429TooManyRequests }) return failure;
        if (failure is not null)
            return Problems.Invalid("The password was not changed: the current password is not right.",
                new Dictionary<string, string[]> { ["current_password"] = ["This is not your current password. Send the one you sign in with now."] });
        if (Passwords.Problem(body.NewPassword, user.Email) is { } problem)
            return Problems.Invalid("The password was not changed: " + problem, new Dictionary<string, string[]> { ["new_password"] = [problem] });
        await users.ChangePasswordAsync(user.Id, passwords.Hash(body.NewPassword!), http.User.SessionId()!, ct);
        return TypedResults.NoContent();
    }
}

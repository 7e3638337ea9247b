using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace GrowHalo.Platform.Accounts.SigningIn;

/// <summary>
/// <c>POST /api/auth/login</c> {email, password}: signs in (the session cookie) on the user's first tenant. An unknown
/// e-mail and a wrong password get the same 401 and take as long; failures are throttled per e-mail and per address.
/// </summary>
public static class Login
{
    public sealed record LoginRequest(string? Email, string? Password);

    public static readonly string WrongCredentials = "The e-mail address or the password is not right. Check both and try again.";

    [WolverinePost("/api/auth/login", OperationId = "Login"), AllowAnonymous, DisableAntiforgery, Tags("Accounts")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    public static async Task<Results<Ok<AccountResponse>, ValidationProblem, ProblemHttpResult>> Post(LoginRequest body, HttpContext http,
        UserStore users, Passwords passwords, LoginThrottle throttle, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body?.Email)) errors["email"] = ["Send the e-mail address you signed up with."];
        if (string.IsNullOrEmpty(body?.Password)) errors["password"] = ["Send your password."];
        if (errors.Count > 0) return Problems.Invalid("Not signed in: the e-mail address and the password are both needed.", errors);

        var (user, failure) = await CheckAsync(http, EmailAddress.Normalise(body!.Email), body.Password!, users, passwords, throttle, ct);
        if (failure is not null) return failure;
        var account = await AccountResponse.LoadAsync(user!, null, users, ct);
        var tenant = account.Tenants.FirstOrDefault()?.Id;
        await AccountSession.StartAsync(http, user!, tenant, ct);
        return TypedResults.Ok(account with { CurrentTenant = account.Tenants.FirstOrDefault() });
    }

    /// <summary>The user whose password this is, or the problem to answer (throttled, or the generic 401).</summary>
    public static async Task<(UserAccount? User, ProblemHttpResult? Failure)> CheckAsync(HttpContext http, string email, string password,
        UserStore users, Passwords passwords, LoginThrottle throttle, CancellationToken ct)
    {
        var address = AccountsModule.ClientAddress(http);
        if (await throttle.BlockedForAsync(email, address, ct) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (null, TypedResults.Problem($"Too many failed sign-ins for this account or from this address. Wait {seconds} seconds, then try again.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests"));
        }
        var user = await users.FindByEmailAsync(email, ct);
        var ok = user is null ? Dummy(passwords, password) : passwords.Verify(user.PasswordHash, password);
        if (!ok)
        {
            await throttle.FailedAsync(email, address, ct);
            return (null, TypedResults.Problem(WrongCredentials, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized"));
        }
        await throttle.SucceededAsync(email, ct);
        return (user, null);
    }

    private static bool Dummy(Passwords passwords, string password)
    {
        passwords.VerifyDummy(password); // as slow as a real check, so timing does not tell which e-mails have accounts
        return false;
    }
}

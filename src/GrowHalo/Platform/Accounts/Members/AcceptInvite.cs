using GrowHalo.Platform.Accounts.SigningIn;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Platform.Accounts.Members;

/// <summary>
/// <c>POST /api/auth/invites/{token}/accept</c>: joins the invitation's tenant with its role, and puts the session on
/// that tenant. A signed-in user joins as themselves; otherwise the body's <c>password</c> signs in the account of the
/// invited e-mail, or creates it (signing up with the invitation). The link works once and expires.
/// </summary>
public static class AcceptInvite
{
    public sealed record AcceptInviteRequest(string? Password);

    /// <summary>The body is optional: a signed-in user sends none.</summary>
    public sealed class Body
    {
        [FromBody] public AcceptInviteRequest? Request { get; set; }
    }

    public static readonly string Unusable = "This invitation link is unknown, was used already, or has expired. Ask the brand's owner or admin for a new one.";

    [WolverinePost("/api/auth/invites/{token}/accept", OperationId = "AcceptInvite"), AllowAnonymous, DisableAntiforgery, Tags("Accounts")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    public static async Task<Results<Ok<AccountResponse>, ValidationProblem, ProblemHttpResult>> Post(string token, [AsParameters] Body body, HttpContext http,
        InviteStore invites, UserStore users, Passwords passwords, LoginThrottle throttle, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        var invite = await invites.FindOpenAsync(token, ct);
        if (invite is null) return Problems.NotFound(Unusable);

        UserAccount? user = null, created = null;
        if (await AccountSession.SignedInAsync(http) is { } signedIn) user = await users.GetAsync(signedIn.UserId()!.Value, ct);
        if (user is null)
        {
            var password = body.Request?.Password;
            if (string.IsNullOrEmpty(password))
                return Problems.Invalid("Not joined: sign in first, or send a password.", new Dictionary<string, string[]>
                {
                    ["password"] = [$"Send the password of your account ({invite.Email}), or choose one of at least {Passwords.MinLength} characters to create it."],
                });
            if (await users.FindByEmailAsync(invite.Email, ct) is not null)
            {
                var (existing, failure) = await Login.CheckAsync(http, invite.Email, password, users, passwords, throttle, ct);
                if (failure is not null) return failure;
                user = existing;
            }
            else if (Passwords.Problem(password, invite.Email) is { } problem)
                return Problems.Invalid("Not joined: " + problem, new Dictionary<string, string[]> { ["password"] = [problem] });
            else user = created = users.New(invite.Email, passwords.Hash(password));
        }

        await using (var db = await TenantDb.BeginAsync(dataSource, invite.TenantId, ct))
        {
            if (created is not null)
            {
                try
                {
                    await UserStore.InsertAsync(db, created, ct);
                }
                catch (EmailTakenException)
                {
                    return TypedResults.Problem("An account with this e-mail was created a moment ago. Sign in, then open the link again.", statusCode: StatusCodes.Status409Conflict, title: "Conflict");
                }
            }
            if (!await invites.SpendAsync(db, invite.Id, user!.Id, ct)) return Problems.NotFound(Unusable);
            await users.AddMembershipAsync(db, user.Id, invite.Role, ct);
            await db.CommitAsync(ct);
        }
        await AccountSession.StartAsync(http, user, invite.TenantId, ct);
        return TypedResults.Ok(await AccountResponse.LoadAsync(user, invite.TenantId, users, ct));
    }
}

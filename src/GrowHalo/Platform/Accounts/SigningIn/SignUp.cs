using System.Security.Cryptography;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Platform.Accounts.SigningIn;

/// <summary>
/// <c>POST /api/auth/signup</c> {email, password, store_name, time_zone?, currency?}: a user, a tenant (as the operator's
/// POST /api/v1/admin/tenants makes one) and the user's owner membership, in one transaction; then signs the user in.
/// </summary>
public static class SignUp
{
    public sealed record SignUpRequest(string? Email, string? Password, string? StoreName, string? TimeZone, string? Currency);

    [WolverinePost("/api/auth/signup", OperationId = "SignUp"), AllowAnonymous, DisableAntiforgery, Tags("Accounts"), ProducesProblems(StatusCodes.Status429TooManyRequests)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<Results<Created<AccountResponse>, ValidationProblem, ProblemHttpResult>> Post(SignUpRequest body, HttpContext http,
        TenantStore tenants, UserStore users, Passwords passwords, NpgsqlDataSource dataSource, TenantPlacement placement, CancellationToken ct)
    {
        if (body is null) return Problems.Invalid("No account was created: the body is null.", new Dictionary<string, string[]> { ["body"] = ["Send a JSON object."] });
        var errors = new Dictionary<string, string[]>();
        var (email, emailError) = EmailAddress.Validate(body.Email);
        if (email is null) errors["email"] = [emailError];
        if (Passwords.Problem(body.Password, email ?? "") is { } passwordError) errors["password"] = [passwordError];
        Tenant? tenant = null;
        if (string.IsNullOrWhiteSpace(body.StoreName)) errors["store_name"] = ["Send your store's (brand's) name, such as \"Acme Coffee\"."];
        else
        {
            try
            {
                tenant = tenants.New(body.StoreName, null, body.TimeZone, body.Currency);
            }
            catch (InvalidSettingsException e)
            {
                foreach (var (field, messages) in e.Errors) errors[field == "name" ? "store_name" : field] = messages;
            }
        }
        if (errors.Count > 0) return Problems.Invalid("No account was created: " + string.Join(" ", errors.Values.SelectMany(v => v)), errors);

        var user = users.New(email!, passwords.Hash(body.Password!));
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await TenantDb.BeginAsync(dataSource, tenant!.Id, ct);
            try
            {
                await TenantStore.InsertAsync(db, tenant, ct);
                await UserStore.InsertAsync(db, user, ct);
                await users.AddMembershipAsync(db, user.Id, Roles.Owner, ct);
                await placement.PlaceAsync(tenant, ct);
                await db.CommitAsync(ct);
                break;
            }
            catch (TenantSlugTakenException) when (attempt < 3)
            {
                // Another brand has this name's slug: the store gets the slug with a short random suffix instead.
                tenant = tenant with { Slug = $"{tenant.Slug[..Math.Min(tenant.Slug.Length, 56)]}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}" };
            }
            catch (EmailTakenException)
            {
                return TypedResults.Problem("An account with this e-mail address exists already. Sign in with POST /api/auth/login instead, or reset the password with your administrator.",
                    statusCode: StatusCodes.Status409Conflict, title: "Conflict");
            }
        }
        await AccountSession.StartAsync(http, user, tenant.Id, ct);
        return TypedResults.Created("/api/auth/me", await AccountResponse.LoadAsync(user, tenant.Id, users, ct));
    }
}

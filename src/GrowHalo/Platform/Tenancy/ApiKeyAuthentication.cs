using System.Security.Claims;
using System.Text.Encodings.Web;
using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace GrowHalo.Platform.Tenancy;

/// <summary>
/// Authenticates <c>x-api-key</c>. The request's tenant comes from the key alone, never from a parameter or body.
/// Missing, unknown, expired or revoked keys are 401; a key without the endpoint's scope is 403; both as problem details.
/// </summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyStore keys, ApiKeyThrottle throttle, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "x-api-key";
    public const string TenantClaim = "growhalo:tenant";
    public const string ScopeClaim = "growhalo:scope";
    private const string FailureKey = "growhalo:auth-failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
        {
            // No credentials is "no result", not a failure: signed webhooks carry none, and a failure logs a line each time.
            Context.Items[FailureKey] = "No API key was sent. Send your key in the x-api-key header (create one with `growhalo keys create`).";
            return AuthenticateResult.NoResult();
        }
        // Keys are found by their SHA-256 (an index lookup): no stored key is compared with the raw key character by
        // character, so the time taken tells nothing about how much of a guess was right.
        var key = await keys.FindByRawKeyAsync(values.ToString().Trim(), Context.RequestAborted);
        if (key is null)
        {
            await throttle.FailedAsync(Accounts.AccountsModule.ClientAddress(Context), Context.RequestAborted);
            return Fail("The API key is not recognised. Check that it was copied whole; keys start with ghk_.");
        }
        if (key.RevokedAt is not null) return Fail($"The API key {key.Prefix}… was revoked on {key.RevokedAt:u}. Create a new key.");
        if (key.ExpiresAt is not null && key.ExpiresAt <= clock.GetUtcNow())
            return Fail($"The API key {key.Prefix}… expired on {key.ExpiresAt:u}. Create a new key.");

        List<Claim> claims = [new(TenantClaim, key.TenantId), new(ClaimTypes.NameIdentifier, key.Id.ToString())];
        claims.AddRange(key.Scopes.Select(s => new Claim(ScopeClaim, s)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    private AuthenticateResult Fail(string reason)
    {
        Context.Items[FailureKey] = reason;
        return AuthenticateResult.Fail(reason);
    }

    // A signed-in user's session scheme comes first in a policy and may have answered already; never write a second body.
    private bool Answered() => Response.HasStarted || Response.StatusCode is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden;

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Answered() ? Task.CompletedTask : Problems.Write(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            Context.Items[FailureKey] as string ?? "This endpoint needs an API key in the x-api-key header.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (Answered()) return Task.CompletedTask;
        var needed = Context.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>()?.AnyOf ?? [];
        var has = string.Join(", ", Context.User.FindAll(ScopeClaim).Select(c => c.Value));
        var detail = needed.Count == 0
            ? "This API key may not use this endpoint."
            : $"This API key has the scope(s) [{has}]; this endpoint needs {string.Join(" or ", needed.Select(s => $"'{s}'"))}. " +
              $"Use a key with that scope: an admin creates one with POST /api/v1/keys or `growhalo keys create --scopes {needed[0]}`.";
        return Problems.Write(Context, StatusCodes.Status403Forbidden, "Forbidden", detail);
    }
}

/// <summary>The scopes an endpoint accepts: a key needs any one of them.</summary>
public sealed record RequiredScope(IReadOnlyList<string> AnyOf);

public static class ScopeEndpointExtensions
{
    /// <summary>Requires an API key (or a signed-in user or dashboard session) carrying one of <paramref name="anyOf"/> (usually one scope).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, params string[] anyOf) where TBuilder : IEndpointConventionBuilder
    {
        if (anyOf.Length == 0 || anyOf.Except(Scopes.All).Any())
            throw new ArgumentException($"RequireScope needs one or more of: {string.Join(", ", Scopes.All)}.", nameof(anyOf));
        return builder.RequireAuthorization(policy => policy
                .AddAuthenticationSchemes(Accounts.UserAuthentication.SchemeName, ApiKeyAuthentication.SchemeName, Dashboard.Sessions.DashboardSessionAuthentication.SchemeName)
                .RequireClaim(ApiKeyAuthentication.TenantClaim)
                .RequireClaim(ApiKeyAuthentication.ScopeClaim, anyOf))
            .WithMetadata(new RequiredScope(anyOf));
    }
}

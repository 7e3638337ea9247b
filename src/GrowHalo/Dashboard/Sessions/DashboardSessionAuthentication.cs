using System.Security.Claims;
using System.Text.Encodings.Web;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace GrowHalo.Dashboard.Sessions;

/// <summary>
/// The second way into the read API: the dashboard's session cookie. It yields the same claims as an API key, so
/// <c>RequireScope</c> endpoints accept it, but only ever the <c>read</c> scope, only for GET/HEAD, and never when the
/// request also carries an x-api-key (then the key alone decides, so two tenants' identities can never mix).
/// </summary>
public sealed class DashboardSessionAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, DashboardSessionStore sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "DashboardSession";
    private const string FailureKey = "growhalo:dashboard-auth-failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers.ContainsKey(ApiKeyAuthentication.Header)) return AuthenticateResult.NoResult();
        if (!HttpMethods.IsGet(Request.Method) && !HttpMethods.IsHead(Request.Method)) return AuthenticateResult.NoResult();
        if (SessionCookie.Read(Request) is not { } sessionId) return AuthenticateResult.NoResult();

        var (session, failure) = await sessions.ValidateAsync(sessionId, Context.RequestAborted);
        if (session is null)
        {
            Context.Items[FailureKey] = failure!.Detail;
            return AuthenticateResult.Fail(failure.Detail);
        }
        Claim[] claims =
        [
            new(ApiKeyAuthentication.TenantClaim, session.TenantId),
            new(ClaimTypes.NameIdentifier, session.KeyId.ToString()),
            new(ApiKeyAuthentication.ScopeClaim, Scopes.Read),
        ];
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    // When this scheme shares a policy with the API key scheme, that one answers first; never write a second body.
    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Answered() ? Task.CompletedTask : Problems.Write(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            Context.Items[FailureKey] as string ?? "Sign in to the dashboard first, or send an API key in the x-api-key header.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Answered() ? Task.CompletedTask : Problems.Write(Context, StatusCodes.Status403Forbidden, "Forbidden",
            "A dashboard session can only read. Use an API key with the scope this endpoint needs.");

    private bool Answered() => Response.HasStarted || Response.StatusCode is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden;
}

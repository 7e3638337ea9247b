using System.Security.Claims;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace GrowHalo.Platform.Accounts;

/// <summary>
/// Signed-in people: ASP.NET Core's cookie authentication. The cookie <c>growhalo_user</c> carries a ticket that Data
/// Protection encrypts and signs (keys shared in PostgreSQL), with a fixed expiry; the ticket names a row of
/// <c>user_sessions</c>, checked on every request, so logout and a password change revoke it at once. The principal
/// is rebuilt from that row each time: the user, the session's tenant, the user's role there, and the API-key scopes
/// the role stands for (<see cref="Roles.ScopesOf"/>), so every <c>RequireScope</c> endpoint treats a signed-in
/// owner like a key with read, ingest and admin, and an analyst like a read key.
/// </summary>
public static class UserAuthentication
{
    public const string SchemeName = "UserSession";
    public const string CookieName = "growhalo_user";
    public const string UserClaim = "growhalo:user";
    public const string SessionClaim = "growhalo:session";
    public const string RoleClaim = "growhalo:role";
    private const string FailureKey = "growhalo:user-auth-failure";

    public static readonly string SessionEnded = "Your session has ended (signed out, password changed, or expired). Sign in again with POST /api/auth/login.";

    public static void Configure(CookieAuthenticationOptions o)
    {
        o.Cookie.Name = CookieName;
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Strict;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.Cookie.Path = "/";
        o.Cookie.IsEssential = true;
        o.SlidingExpiration = false;
        o.Events = new CookieAuthenticationEvents
        {
            OnValidatePrincipal = ValidateAsync,
            OnRedirectToLogin = c => Challenge(c.HttpContext, StatusCodes.Status401Unauthorized),
            OnRedirectToAccessDenied = c => Challenge(c.HttpContext, StatusCodes.Status403Forbidden),
            OnRedirectToLogout = _ => Task.CompletedTask,
            OnRedirectToReturnUrl = _ => Task.CompletedTask,
        };
    }

    /// <summary>The ticket a sign-in writes into the cookie: the user and the session row, valid until <paramref name="expiresAt"/>.</summary>
    public static Task SignInAsync(HttpContext http, Guid userId, string sessionId, DateTimeOffset expiresAt)
    {
        var identity = new ClaimsIdentity([new Claim(UserClaim, userId.ToString()), new Claim(SessionClaim, sessionId)], SchemeName);
        return http.SignInAsync(SchemeName, new ClaimsPrincipal(identity), new AuthenticationProperties
        {
            IsPersistent = true, ExpiresUtc = expiresAt, AllowRefresh = false,
        });
    }

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(SchemeName);

    /// <summary>The session id of the signed-in user of this request (null when none).</summary>
    public static string? SessionId(this ClaimsPrincipal user) => user.FindFirst(SessionClaim)?.Value;

    public static Guid? UserId(this ClaimsPrincipal user) => Guid.TryParse(user.FindFirst(UserClaim)?.Value, out var id) ? id : null;

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;
        // A request with an x-api-key is the key's alone, so two identities never mix.
        if (http.Request.Headers.ContainsKey(ApiKeyAuthentication.Header))
        {
            context.RejectPrincipal();
            return;
        }
        // SameSite=Strict already keeps other sites' requests from carrying the cookie; a foreign Origin on a change is refused too.
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
            && http.Request.Headers.Origin.ToString() is { Length: > 0 } origin
            && !string.Equals(origin, $"{http.Request.Scheme}://{http.Request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            http.Items[FailureKey] = "This request came from another site (its Origin is not this server's); a signed-in session only accepts changes from the dashboard itself.";
            context.RejectPrincipal();
            return;
        }
        var sessionId = context.Principal?.SessionId();
        var session = sessionId is null ? null : await http.RequestServices.GetRequiredService<UserSessionStore>().ValidateAsync(sessionId, http.RequestAborted);
        if (session is null)
        {
            http.Items[FailureKey] = SessionEnded;
            context.RejectPrincipal();
            await http.SignOutAsync(SchemeName); // clears the cookie
            return;
        }
        List<Claim> claims = [new(UserClaim, session.UserId.ToString()), new(SessionClaim, sessionId!), new(ClaimTypes.NameIdentifier, session.UserId.ToString())];
        if (session is { TenantId: { } tenant, Role: { } role })
        {
            claims.Add(new Claim(ApiKeyAuthentication.TenantClaim, tenant));
            claims.Add(new Claim(RoleClaim, role));
            claims.AddRange(Roles.ScopesOf(role).Select(s => new Claim(ApiKeyAuthentication.ScopeClaim, s)));
        }
        context.ReplacePrincipal(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)));
    }

    /// <summary>
    /// Answers 401/403 for a request this scheme speaks for: one with the user cookie and no x-api-key, or an endpoint
    /// only a signed-in user may call. Otherwise another scheme of the policy (the API key's) answers.
    /// </summary>
    private static Task Challenge(HttpContext http, int status)
    {
        if (http.Response.HasStarted || http.Response.StatusCode is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden) return Task.CompletedTask;
        var userOnly = http.GetEndpoint()?.Metadata.GetMetadata<RequiresUser>() is not null;
        var speaksFor = userOnly || (http.Request.Cookies.ContainsKey(CookieName) && !http.Request.Headers.ContainsKey(ApiKeyAuthentication.Header));
        if (!speaksFor) return Task.CompletedTask;
        if (status == StatusCodes.Status401Unauthorized)
            return Problems.Write(http, status, "Unauthorized", http.Items[FailureKey] as string
                ?? (http.Request.Cookies.ContainsKey(CookieName) ? SessionEnded : "Sign in first: POST /api/auth/login with your e-mail and password."));
        var role = http.User.FindFirst(RoleClaim)?.Value;
        var needed = http.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>()?.AnyOf ?? [];
        var detail = role is null
            ? "You are signed in but not on a brand you are a member of. Switch to one with POST /api/auth/tenant, or ask an owner to invite you."
            : $"Your role in this brand is '{role}', which may not do this{(needed.Count > 0 ? $" (it needs the '{needed[0]}' scope)" : "")}. Ask an owner or admin of the brand to do it, or to give you the admin role.";
        return Problems.Write(http, status, "Forbidden", detail);
    }
}

/// <summary>Marks endpoints only a signed-in user may call (not an API key).</summary>
public sealed record RequiresUser;

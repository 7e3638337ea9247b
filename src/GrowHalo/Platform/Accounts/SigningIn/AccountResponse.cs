using Microsoft.AspNetCore.Authentication;
using System.Security.Claims;
using GrowHalo.Dashboard.Sessions;
using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Platform.Accounts.SigningIn;

public sealed record UserResponse(Guid Id, string Email, DateTimeOffset CreatedAt);

public sealed record MembershipResponse(string Id, string Name, string Slug, string Role);

/// <summary>Who is signed in, the tenant the session is on (null when none), and every tenant they belong to with their role.</summary>
public sealed record AccountResponse(UserResponse User, MembershipResponse? CurrentTenant, IReadOnlyList<MembershipResponse> Tenants)
{
    public static async Task<AccountResponse> LoadAsync(UserAccount user, string? currentTenantId, UserStore users, CancellationToken ct)
    {
        var tenants = (await users.MembershipsAsync(user.Id, ct)).Select(m => new MembershipResponse(m.TenantId, m.TenantName, m.TenantSlug, m.Role)).ToList();
        return new AccountResponse(new UserResponse(user.Id, user.Email, user.CreatedAt), tenants.FirstOrDefault(t => t.Id == currentTenantId), tenants);
    }
}

/// <summary>Starting and ending a signed-in session, shared by sign-up, login, invitations and logout.</summary>
public static class AccountSession
{
    /// <summary>
    /// Signs <paramref name="user"/> in on <paramref name="tenantId"/>: a new session row and its cookie. The browser's
    /// previous sessions (a user's, or a key's dashboard session) end, so one browser never holds two identities.
    /// </summary>
    public static async Task StartAsync(HttpContext http, UserAccount user, string? tenantId, CancellationToken ct)
    {
        await EndAsync(http, ct);
        var (id, expires) = await http.RequestServices.GetRequiredService<UserSessionStore>().OpenAsync(user.Id, tenantId, ct);
        await UserAuthentication.SignInAsync(http, user.Id, id, expires);
        http.Response.Headers.CacheControl = "no-store";
    }

    /// <summary>Revokes the browser's user session and dashboard key session, if any, and clears both cookies.</summary>
    public static async Task EndAsync(HttpContext http, CancellationToken ct)
    {
        if ((await http.AuthenticateAsync(UserAuthentication.SchemeName)).Principal?.SessionId() is { } sessionId)
            await http.RequestServices.GetRequiredService<UserSessionStore>().RevokeAsync(sessionId, ct);
        if (http.Request.Cookies.ContainsKey(UserAuthentication.CookieName)) await UserAuthentication.SignOutAsync(http);
        if (SessionCookie.Read(http.Request) is { } keySession)
        {
            await http.RequestServices.GetRequiredService<DashboardSessionStore>().SignOutAsync(keySession, ct);
            SessionCookie.Clear(http);
        }
    }

    /// <summary>The signed-in user's session on an endpoint that does not require one (null when there is none).</summary>
    public static async Task<ClaimsPrincipal?> SignedInAsync(HttpContext http)
    {
        if (http.Request.Headers.ContainsKey(ApiKeyAuthentication.Header)) return null;
        var result = await http.AuthenticateAsync(UserAuthentication.SchemeName);
        return result.Succeeded && result.Principal.UserId() is not null ? result.Principal : null;
    }
}

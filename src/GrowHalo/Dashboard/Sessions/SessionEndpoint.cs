using Npgsql;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Accounts;
using GrowHalo.Platform.Accounts.SigningIn;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace GrowHalo.Dashboard.Sessions;

public sealed record SessionTenant(string Id, string Name, string Currency, string TimeZone);

/// <summary>The signed-in person (sessions opened by e-mail and password), their role here and every tenant they may switch to.</summary>
public sealed record SessionUser(Guid Id, string Email, string? Role, IReadOnlyList<GrowHalo.Platform.Accounts.SigningIn.MembershipResponse> Tenants);

/// <summary>
/// What the page needs to start: whose dashboard, today in their time zone, whether any data arrived yet, what the
/// session may do (its scopes; <c>can_write</c> when it has admin) and, for a person signed in, who they are.
/// </summary>
public sealed record SessionInfo(SessionTenant Tenant, DateOnly Today, bool HasData, IReadOnlyList<string> Scopes, bool CanWrite, SessionUser? User);

/// <summary><c>GET /dashboard/session</c>: the <see cref="SessionInfo"/> of the signed-in tenant (cookie or API key).</summary>
public static class SessionEndpoint
{
    [WolverineGet("/dashboard/session", OperationId = "DashboardSession"), RequireScope(Scopes.Read), Tags("Dashboard")]
    public static async Task<Ok<SessionInfo>> Get(RequestTenant tenant, HttpContext http, TenantStore tenants, UserStore users, TenantDatabases databases,
        TimeProvider clock, CancellationToken ct)
    {
        var info = await InfoAsync(tenant.Id, tenants, databases, clock, ct);
        var scopes = http.User.FindAll(ApiKeyAuthentication.ScopeClaim).Select(c => c.Value).Distinct().ToList();
        SessionUser? person = null;
        if (http.User.UserId() is { } userId && await users.GetAsync(userId, ct) is { } user)
        {
            var account = await AccountResponse.LoadAsync(user, tenant.Id, users, ct);
            person = new SessionUser(user.Id, user.Email, account.CurrentTenant?.Role, account.Tenants);
        }
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(info with { Scopes = scopes, CanWrite = scopes.Contains(Scopes.Admin), User = person });
    }

    internal static async Task<SessionInfo> InfoAsync(string tenantId, TenantStore tenants, TenantDatabases databases, TimeProvider clock, CancellationToken ct)
    {
        var tenant = await tenants.FindAsync(tenantId, ct) ?? throw new InvalidOperationException($"Tenant {tenantId} no longer exists.");
        await using var any = (await databases.ForTenantAsync(tenantId, ct)).CreateCommand("select exists (select 1 from mt_streams where tenant_id = $1)");
        any.Parameters.Add(new() { Value = tenantId });
        var hasData = (bool)(await any.ExecuteScalarAsync(ct))!;
        return new SessionInfo(new SessionTenant(tenant.Id, tenant.Name, tenant.Currency, tenant.TimeZone), tenant.LocalDate(clock.GetUtcNow()), hasData, [Scopes.Read], false, null);
    }
}

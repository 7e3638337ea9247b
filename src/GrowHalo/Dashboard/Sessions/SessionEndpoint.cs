using Npgsql;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace GrowHalo.Dashboard.Sessions;

public sealed record SessionTenant(string Id, string Name, string Currency, string TimeZone);

/// <summary>What the page needs to start: whose dashboard, today in their time zone, and whether any data arrived yet.</summary>
public sealed record SessionInfo(SessionTenant Tenant, DateOnly Today, bool HasData);

/// <summary><c>GET /dashboard/session</c>: the <see cref="SessionInfo"/> of the signed-in tenant (cookie or API key).</summary>
public static class SessionEndpoint
{
    [WolverineGet("/dashboard/session", OperationId = "DashboardSession"), RequireScope(Scopes.Read), Tags("Dashboard")]
    public static async Task<Ok<SessionInfo>> Get(RequestTenant tenant, TenantStore tenants, NpgsqlDataSource events, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await InfoAsync(tenant.Id, tenants, events, clock, ct));

    internal static async Task<SessionInfo> InfoAsync(string tenantId, TenantStore tenants, NpgsqlDataSource events, TimeProvider clock, CancellationToken ct)
    {
        var tenant = await tenants.FindAsync(tenantId, ct) ?? throw new InvalidOperationException($"Tenant {tenantId} no longer exists.");
        await using var any = events.CreateCommand("select exists (select 1 from mt_streams where tenant_id = $1)");
        any.Parameters.Add(new() { Value = tenantId });
        var hasData = (bool)(await any.ExecuteScalarAsync(ct))!;
        return new SessionInfo(new SessionTenant(tenant.Id, tenant.Name, tenant.Currency, tenant.TimeZone), tenant.LocalDate(clock.GetUtcNow()), hasData);
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace GrowHalo.Platform.Tenancy.Settings;

/// <summary>GET /api/v1/tenant: the key's own tenant (read or admin scope).</summary>
public static class GetTenantSettings
{
    public static RouteHandlerBuilder MapGetTenantSettings(this IEndpointRouteBuilder app) =>
        app.MapGet("/tenant", Handle).RequireScope(Scopes.Read, Scopes.Admin).WithName("GetTenantSettings").WithTags("Tenant");

    private static async Task<Results<Ok<TenantResponse>, NotFound>> Handle(RequestTenant tenant, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var db = await TenantDb.BeginAsync(dataSource, tenant.Id, ct);
        var current = await TenantStore.GetAsync(db, ct);
        return current is null ? TypedResults.NotFound() : TypedResults.Ok(TenantResponse.From(current));
    }
}

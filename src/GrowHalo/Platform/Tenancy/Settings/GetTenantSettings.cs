using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Platform.Tenancy.Settings;

/// <summary>GET /api/v1/tenant: the key's own tenant (read or admin scope).</summary>
public static class GetTenantSettings
{
    [WolverineGet("/api/v1/tenant", OperationId = "GetTenantSettings"), RequireScope(Scopes.Read, Scopes.Admin), Tags("Tenant")]
    [ProducesProblems(StatusCodes.Status404NotFound)]
    public static async Task<Results<Ok<TenantResponse>, ProblemHttpResult>> Get(RequestTenant tenant, TenantDatabases databases, CancellationToken ct)
    {
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        var current = await TenantStore.GetAsync(db, ct);
        return current is null ? TenantResponse.Gone(tenant.Id) : TypedResults.Ok(TenantResponse.From(current));
    }
}

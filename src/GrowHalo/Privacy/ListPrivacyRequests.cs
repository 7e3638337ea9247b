using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Privacy;

/// <summary>GET /api/v1/privacy/requests (admin): the tenant's privacy requests, newest first (at most 500).</summary>
public static class ListPrivacyRequests
{
    [WolverineGet("/api/v1/privacy/requests", OperationId = "ListPrivacyRequests"), RequireScope(Scopes.Admin)]
    public static async Task<Ok<PrivacyRequestList>> Get(RequestTenant tenant, TenantDatabases databases, CancellationToken ct)
    {
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        var rows = await PrivacyRequestStore.ListAsync(db, ct);
        return TypedResults.Ok(new PrivacyRequestList([.. rows.Select(PrivacyRequestView.From)]));
    }
}

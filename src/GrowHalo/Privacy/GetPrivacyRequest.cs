using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Privacy;

/// <summary>GET /api/v1/privacy/requests/{id} (admin): one request of the tenant; another tenant's id is a 404.</summary>
public static class GetPrivacyRequest
{
    [WolverineGet("/api/v1/privacy/requests/{id}", OperationId = "GetPrivacyRequest"), RequireScope(Scopes.Admin)]
    [ProducesProblems(StatusCodes.Status404NotFound)]
    public static async Task<Results<Ok<PrivacyRequestView>, ProblemHttpResult>> Get(string id, RequestTenant tenant, TenantDatabases databases,
        CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var guid)) return NotFound(id);
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        return await PrivacyRequestStore.GetAsync(db, guid, ct) is { } row ? TypedResults.Ok(PrivacyRequestView.From(row)) : NotFound(id);
    }

    public static ProblemHttpResult NotFound(string id) => Problems.NotFound(
        $"This workspace has no privacy request '{id}'. List its requests with GET /api/v1/privacy/requests.");
}

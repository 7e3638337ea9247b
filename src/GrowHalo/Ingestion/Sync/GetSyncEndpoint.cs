using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Ingestion.Sync;

/// <summary>
/// GET /api/v1/sync/{id} (read): one run of the tenant, its state, step, counts and percent; another tenant's id is a
/// 404. GET /api/v1/sync?active=true (read): the tenant's runs newest first, only queued and running ones with active=true.
/// </summary>
public static class GetSyncEndpoint
{
    [WolverineGet("/api/v1/sync/{id}", OperationId = "GetSync"), RequireScope(Scopes.Read, Scopes.Admin), Tags("Sync")]
    [ProducesProblems(StatusCodes.Status404NotFound)]
    public static async Task<Results<Ok<SyncRun>, ProblemHttpResult>> Get(string id, RequestTenant tenant, TenantDatabases databases,
        SyncRunStore runs, CancellationToken ct) =>
        await FindAsync(id, tenant, databases, runs, ct) is { } run ? TypedResults.Ok(run) : NotFound(id);

    [WolverineGet("/api/v1/sync", OperationId = "ListSyncs"), RequireScope(Scopes.Read, Scopes.Admin), Tags("Sync")]
    [ProducesProblems(StatusCodes.Status400BadRequest)]
    public static async Task<Results<Ok<SyncRunList>, ProblemHttpResult>> List(bool? active, int? limit, HttpRequest request,
        RequestTenant tenant, TenantDatabases databases, SyncRunStore runs, CancellationToken ct)
    {
        if (limit is < 1 or > 200 || (limit is null && request.Query.ContainsKey("limit")))
            return Problems.BadRequest("limit must be an integer between 1 and 200, or left out (50).");
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        return TypedResults.Ok(new SyncRunList(await runs.ListAsync(db, active ?? false, limit ?? 50, ct)));
    }

    internal static async Task<SyncRun?> FindAsync(string id, RequestTenant tenant, TenantDatabases databases, SyncRunStore runs, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var guid)) return null;
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        return await runs.FindAsync(db, guid, ct);
    }

    internal static ProblemHttpResult NotFound(string id) =>
        Problems.NotFound($"There is no sync run '{id}' in this tenant. GET /api/v1/sync lists its runs.");
}

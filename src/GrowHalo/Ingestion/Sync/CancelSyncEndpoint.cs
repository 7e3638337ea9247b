using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Ingestion.Sync;

/// <summary>
/// POST /api/v1/sync/{id}/cancel (admin): a queued run is cancelled at once; a running one stops at its next page
/// boundary (everything fetched so far stays stored and the cursor stands after it) and ends cancelled. 202 with the
/// run (cancel_requested true). A finished run, or a re-projection (half-replayed read models would be wrong), is a 409.
/// </summary>
public static class CancelSyncEndpoint
{
    [WolverinePost("/api/v1/sync/{id}/cancel", OperationId = "CancelSync"), RequireScope(Scopes.Admin), Tags("Sync")]
    [ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    public static async Task<Results<Accepted<SyncRun>, ProblemHttpResult>> Post(string id, RequestTenant tenant, TenantDatabases databases,
        SyncRunStore runs, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var guid)) return GetSyncEndpoint.NotFound(id);
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        if (await runs.FindAsync(db, guid, ct) is not { } run) return GetSyncEndpoint.NotFound(id);
        if (run.Kind == SyncKinds.Reproject)
            return Conflict("A re-projection cannot be cancelled: read models left half-replayed would answer wrong numbers. It ends by itself.");
        if (!run.Active || await runs.RequestCancelAsync(db, guid, ct) is not { } cancelling)
            return Conflict($"Sync run {id} has already ended ({run.State}); there is nothing to cancel.");
        await db.CommitAsync(ct);
        return TypedResults.Accepted($"/api/v1/sync/{id}", cancelling);
    }

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");
}

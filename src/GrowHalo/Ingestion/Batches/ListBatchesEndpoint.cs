using GrowHalo.Ingestion.Http;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace GrowHalo.Ingestion.Batches;

/// <summary>
/// GET /api/v1/ingest/batches?limit=50 (read or ingest scope, so an uploader can look back): the tenant's recent
/// batches, newest first.
/// </summary>
public static class ListBatchesEndpoint
{
    [WolverineGet("/api/v1/ingest/batches", OperationId = "ListBatches"), RequireScope(Scopes.Read, Scopes.Ingest)]
    [ProducesProblems(StatusCodes.Status400BadRequest)]
    public static async Task<Results<Ok<BatchList>, ProblemHttpResult>> List(int? limit, HttpRequest request, RequestTenant tenant,
        BatchStore batches, CancellationToken ct)
    {
        // A limit that is not an integer is refused by Wolverine before this runs (RejectUnparseableQueryValues); an
        // empty one (?limit=) reaches here as null.
        if (limit is null && request.Query.ContainsKey("limit"))
            return IngestProblems.BadRequest("limit must be an integer between 1 and 500, or left out (50).");
        if (limit is < 1 or > 500) return IngestProblems.BadRequest("limit must be between 1 and 500.");
        return TypedResults.Ok(new BatchList(await batches.ListAsync(tenant.Id, limit ?? 50, ct)));
    }
}

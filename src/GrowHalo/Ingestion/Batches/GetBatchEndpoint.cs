using GrowHalo.Ingestion.Http;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace GrowHalo.Ingestion.Batches;

/// <summary>GET /api/v1/ingest/batches/{id} (read or ingest scope): one batch of the tenant; another tenant's id is a 404.</summary>
public static class GetBatchEndpoint
{
    [WolverineGet("/api/v1/ingest/batches/{id}", OperationId = "GetBatch"), RequireScope(Scopes.Read, Scopes.Ingest)]
    [ProducesProblems(StatusCodes.Status404NotFound)]
    public static async Task<Results<Ok<IngestBatch>, ProblemHttpResult>> Get(string id, RequestTenant tenant, BatchStore batches,
        CancellationToken ct) =>
        Guid.TryParse(id, out var guid) && await batches.FindAsync(tenant.Id, guid, ct) is { } batch
            ? TypedResults.Ok(batch)
            : IngestProblems.NotFound($"There is no batch '{id}' in this workspace. List recent batches with GET /api/v1/ingest/batches.");
}

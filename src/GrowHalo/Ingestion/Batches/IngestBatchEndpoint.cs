using System.Text.Json;
using GrowHalo.Ingestion.Adapters;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Http;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Ingestion.Batches;

/// <summary>
/// POST /api/v1/ingest/batch (ingest scope): many records in one request, up to 64 MB (≥ 10,000 Shopify orders).
/// Valid records are appended and the batch is recorded in one transaction; the answer (201) comes after commit.
/// A batch in which no record is usable stores nothing and answers 422 with every error. The body is read by the
/// endpoint itself (no body parameter), within the batch limit and with problem details a person can act on.
/// </summary>
public static class IngestBatchEndpoint
{
    [WolverinePost("/api/v1/ingest/batch", OperationId = "IngestBatch"), RequireScope(Scopes.Ingest), DocumentsBody(typeof(BatchUploadBody))]
    [ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType,
        StatusCodes.Status422UnprocessableEntity)]
    public static async Task<Results<Created<IngestBatch>, ProblemHttpResult>> Ingest(HttpContext context, RequestTenant tenant,
        [FromServices] ConnectionStore connections, [FromServices] BatchStore batches, TimeProvider clock, CancellationToken ct)
    {
        var receivedAt = clock.GetUtcNow();
        if (JsonBody.CheckContentType(context.Request) is { } wrongType) return wrongType;
        // The workspace's connections do not depend on the body: read them while it arrives and is parsed.
        var mine = connections.ListAsync(tenant.Id, ct);
        var (doc, request, problem) = await ReadAsync(context, ct);
        using var _ = doc;
        var connection = ConnectionOf(request, await mine);
        if (problem is not null) return problem;
        if (connection.Problem is not null) return connection.Problem;

        var id = Guid.CreateVersion7(receivedAt);
        BatchStore.Committed committed;
        try
        {
            committed = await batches.CommitAsync(tenant.Id, request!.Source, connection.Value?.Id, request,
                new RecordContext(Channels.Batch, receivedAt, ConnectionId: connection.Value?.Id, BatchId: id), receivedAt, ct);
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("22", StringComparison.Ordinal))
        {
            // A data exception is the body's fault (something PostgreSQL refused that the checks before let through); the transaction rolled back.
            return IngestProblems.Status(StatusCodes.Status422UnprocessableEntity, "Batch cannot be stored",
                $"PostgreSQL refused a record of this batch ({e.MessageText}{(e.Where is { } where ? $"; {where.Split('\n')[0]}" : "")}), " +
                "so nothing was stored. Fix or remove that record and send the batch again.");
        }
        if (committed.Batch is not { } batch)
        {
            var converted = committed.Converted;
            return IngestProblems.Status(StatusCodes.Status422UnprocessableEntity, "No usable events",
                $"None of the {converted.RejectedRecords} records could be used, so nothing was stored: " +
                $"{IngestProblems.Describe(converted.Rejections.Select(r => new Parsing.FieldError($"events[{r.Index}].{r.Field}", r.Reason)))}. " +
                "Fix the fields listed in errors and send the batch again.",
                new Dictionary<string, object?> { ["errors"] = converted.Rejections.Select(r => new BatchError(r.Index ?? 0, r.EventType, r.Field, r.Reason)) });
        }
        return TypedResults.Created($"/api/v1/ingest/batches/{batch.Id}", batch);
    }

    private static async Task<(JsonDocument? Doc, BatchRequest? Request, ProblemHttpResult? Problem)> ReadAsync(HttpContext context, CancellationToken ct)
    {
        var bytes = await JsonBody.ReadAsync(context, JsonBody.BatchLimit, ct);
        if (bytes.Problem is not null) return (null, null, bytes.Problem);
        var parsed = JsonBody.Parse(bytes.Value);
        if (parsed.Problem is not null) return (null, null, parsed.Problem);
        var request = BatchRequest.Parse(parsed.Value!.RootElement);
        return (parsed.Value, request.Value, request.Problem);
    }

    /// <summary>The connection the batch belongs to: the one named, else the tenant's only enabled connection of that source, else none.</summary>
    private static Attempt<IngestConnection?> ConnectionOf(BatchRequest? request, IReadOnlyList<IngestConnection> mine)
    {
        if (request is null) return (IngestConnection?)null;
        if (request.ConnectionId is null)
            return mine.Where(c => c.Enabled && c.Source == request.Source).ToList() is [var only] ? only : (IngestConnection?)null;
        var named = mine.FirstOrDefault(c => c.Id == request.ConnectionId);
        if (named is null)
            return Attempt<IngestConnection?>.Fail(IngestProblems.BadRequest(
                $"connection_id '{request.ConnectionId}' is not a connection of this workspace. See GET /api/v1/ingest/connections, or leave it out."));
        if (named.Source != request.Source)
            return Attempt<IngestConnection?>.Fail(IngestProblems.BadRequest(
                $"connection_id '{named.Id}' is a {named.Source} connection but the batch's source is {request.Source}. Send source {named.Source} or another connection."));
        return named;
    }
}

using GrowHalo.Ingestion.Http;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace GrowHalo.Ingestion.Connections;

/// <summary>
/// POST /api/v1/ingest/connections (admin): links a platform account to the workspace. The body is read by the endpoint
/// itself (<see cref="ConnectionRequests"/>, strictly: an unknown field is an error), not bound by Wolverine.
/// </summary>
public static class CreateConnectionEndpoint
{
    [WolverinePost("/api/v1/ingest/connections", OperationId = "CreateConnection"), RequireScope(Scopes.Admin), DocumentsBody(typeof(CreateConnectionBody))]
    [ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType)]
    public static async Task<Results<Created<IngestConnection>, ProblemHttpResult>> Create(HttpContext context, RequestTenant tenant,
        [FromServices] ConnectionStore store, CancellationToken ct)
    {
        var body = await ConnectionRequests.ReadAsync(context, ct);
        if (body.Problem is not null) return body.Problem;
        using var doc = body.Value!;
        var (settings, errors) = ConnectionRequests.ParseCreate(doc.RootElement, context.RequestServices.GetRequiredService<OutboundUrls>());
        if (settings is null) return IngestProblems.Invalid($"The connection cannot be created: {IngestProblems.Describe(errors)}.", errors);
        try
        {
            var created = await store.CreateAsync(tenant.Id, settings, ct);
            return TypedResults.Created($"/api/v1/ingest/connections/{created.Id}", created);
        }
        catch (ConnectionConflictException e)
        {
            return IngestProblems.Conflict(e.Message);
        }
    }
}

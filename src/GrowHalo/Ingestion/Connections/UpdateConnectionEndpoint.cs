using GrowHalo.Ingestion.Http;
using GrowHalo.Ingestion.Parsing;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace GrowHalo.Ingestion.Connections;

/// <summary>
/// PATCH /api/v1/ingest/connections/{id} (admin): changes what the body names, nothing else. The body is read by the
/// endpoint itself (<see cref="ConnectionRequests"/>), not bound by Wolverine.
/// </summary>
public static class UpdateConnectionEndpoint
{
    [WolverinePatch("/api/v1/ingest/connections/{id}", OperationId = "UpdateConnection"), RequireScope(Scopes.Admin), DocumentsBody(typeof(UpdateConnectionBody))]
    [ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
        StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType)]
    public static async Task<Results<Ok<IngestConnection>, ProblemHttpResult>> Update(string id, HttpContext context, RequestTenant tenant,
        [FromServices] ConnectionStore store, CancellationToken ct)
    {
        var body = await ConnectionRequests.ReadAsync(context, ct);
        if (body.Problem is not null) return body.Problem;
        using var doc = body.Value!;
        var urls = context.RequestServices.GetRequiredService<OutboundUrls>();
        var (patch, errors) = ConnectionRequests.ParsePatch(doc.RootElement, urls);
        if (patch is null) return IngestProblems.Invalid($"The connection cannot be updated: {IngestProblems.Describe(errors)}.", errors);
        if (patch.ApiBaseUrl?.Value is { } url)
        {
            // The body was checked against every platform's hosts; a connection may only point at its own platform's.
            var existing = await store.FindAsync(tenant.Id, id, ct);
            if (existing is null) return NotFound(id);
            if (urls.Check(existing.Source, new Uri(url)) is { } refusal)
            {
                FieldError[] wrong = [new("api_base_url", $"{refusal}, got \"{url}\"")];
                return IngestProblems.Invalid($"The connection cannot be updated: {IngestProblems.Describe(wrong)}.", wrong);
            }
        }
        try
        {
            return await store.UpdateAsync(tenant.Id, id, patch, ct) is { } updated
                ? TypedResults.Ok(updated)
                : NotFound(id);
        }
        catch (ConnectionConflictException e)
        {
            return IngestProblems.Conflict(e.Message);
        }
    }

    private static ProblemHttpResult NotFound(string id) =>
        IngestProblems.NotFound($"There is no connection '{id}' in this workspace. List them with GET /api/v1/ingest/connections.");
}

using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace GrowHalo.Ingestion.Sync;

/// <summary>
/// POST /api/v1/sync (admin) <c>{"connection_id"?, "full"?}</c>: "Sync now". 202 with <c>{"sync_run_id"}</c> and a
/// Location to follow; the run goes on in the background. Without connection_id every enabled connection of the tenant
/// gets a run of its own (sync_run_ids lists them; sync_run_id is the first). A connection whose run is still queued or
/// running gets that run back (202, same id, already_running true). <c>full</c> forgets the cursor first: everything
/// in the backfill window is read again, and what is already stored is recognised as duplicate, not stored twice.
/// </summary>
public static class StartSyncEndpoint
{
    public sealed record StartSyncRequest(string? ConnectionId, bool? Full);

    [WolverinePost("/api/v1/sync", OperationId = "StartSync"), RequireScope(Scopes.Admin), Tags("Sync")]
    [ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)]
    public static async Task<Results<Accepted<SyncStarted>, ValidationProblem, ProblemHttpResult>> Post(
        StartSyncRequest? body, RequestTenant tenant, SyncStarter starter, CancellationToken ct)
    {
        if (body?.ConnectionId is { } id && string.IsNullOrWhiteSpace(id))
            return Problems.Invalid("Nothing was started: connection_id is empty.", new Dictionary<string, string[]>
            {
                ["connection_id"] = ["Give a connection id from GET /api/v1/ingest/connections, or leave connection_id out to sync every connection."],
            });
        return Answer(await starter.StartAsync(tenant.Id, body?.ConnectionId, body?.Full ?? false, ct));
    }

    internal static Results<Accepted<SyncStarted>, ValidationProblem, ProblemHttpResult> Answer(StartOutcome outcome)
    {
        if (outcome.NotFound is { } notFound) return notFound;
        if (outcome.Invalid is { } invalid) return invalid;
        var first = outcome.Runs[0].Run;
        return TypedResults.Accepted($"/api/v1/sync/{first.Id}",
            new SyncStarted(first.Id, outcome.Runs.Select(r => r.Run.Id).ToList(), outcome.Runs.All(r => !r.Created)));
    }
}

using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Polling;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Ingestion.Sync;

/// <summary>
/// The v1 names seed 000's clients call, served on top of sync runs ({id} is a connection id):
/// GET /api/v1/ingest/syncs (read) lists the tenant's connections with their last and active run;
/// POST /api/v1/ingest/syncs/{id}/trigger (admin) is POST /api/v1/sync for that connection;
/// POST /api/v1/ingest/syncs/{id}/reset (admin) forgets the connection's cursor, so its next pass (scheduled, or a
/// trigger) reads the whole backfill window again (409 while a run is queued or running).
/// </summary>
public static class IngestSyncsEndpoints
{
    public sealed record ConnectionSync(string ConnectionId, string Source, string DisplayName, bool Enabled, bool PollingEnabled,
        SyncRun? LastRun, SyncRun? ActiveRun);

    public sealed record ConnectionSyncList(IReadOnlyList<ConnectionSync> Data);

    public sealed record CursorReset(string ConnectionId, DateTimeOffset ResetAt);

    [WolverineGet("/api/v1/ingest/syncs", OperationId = "ListIngestSyncs"), RequireScope(Scopes.Read, Scopes.Admin), Tags("Sync")]
    public static async Task<Ok<ConnectionSyncList>> List(RequestTenant tenant, TenantDatabases databases, ConnectionStore connections,
        SyncRunStore runs, CancellationToken ct)
    {
        var mine = await connections.ListAsync(tenant.Id, ct);
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        var latest = await runs.LatestByConnectionAsync(db, ct);
        return TypedResults.Ok(new ConnectionSyncList(mine.Select(c =>
        {
            var last = latest.GetValueOrDefault(c.Id);
            return new ConnectionSync(c.Id, c.Source, c.DisplayName, c.Enabled, c.PollingEnabled, last, last is { Active: true } ? last : null);
        }).ToList()));
    }

    [WolverinePost("/api/v1/ingest/syncs/{id}/trigger", OperationId = "TriggerIngestSync"), RequireScope(Scopes.Admin), Tags("Sync")]
    [ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)]
    public static async Task<Results<Accepted<SyncStarted>, ValidationProblem, ProblemHttpResult>> Trigger(string id, RequestTenant tenant,
        SyncStarter starter, CancellationToken ct) =>
        StartSyncEndpoint.Answer(await starter.StartAsync(tenant.Id, id, full: false, ct));

    [WolverinePost("/api/v1/ingest/syncs/{id}/reset", OperationId = "ResetIngestSync"), RequireScope(Scopes.Admin), Tags("Sync")]
    [ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    public static async Task<Results<Ok<CursorReset>, ProblemHttpResult>> Reset(string id, RequestTenant tenant, TenantDatabases databases,
        ConnectionStore connections, SyncRunStore runs, PollCursorStore cursors, TimeProvider clock, CancellationToken ct)
    {
        if (await connections.FindAsync(tenant.Id, id, ct) is null)
            return Problems.NotFound($"This tenant has no connection {id}. GET /api/v1/ingest/syncs lists its connections.");
        await using (var db = await TenantDb.BeginAsync(databases, tenant.Id, ct))
            if ((await runs.LatestByConnectionAsync(db, ct)).GetValueOrDefault(id) is { Active: true } active)
                return TypedResults.Problem($"Sync run {active.Id} of this connection is {active.State}; cancel it (POST /api/v1/sync/{active.Id}/cancel) " +
                    "or wait for it to end, then reset.", statusCode: StatusCodes.Status409Conflict, title: "Conflict");
        await cursors.ResetAsync(tenant.Id, id, ct);
        return TypedResults.Ok(new CursorReset(id, clock.GetUtcNow()));
    }
}

using GrowHalo.Ingestion.Connections;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace GrowHalo.Ingestion.Sync;

/// <summary>
/// Starts runs for every door that asks for one: <c>POST /api/v1/sync</c>, the v1 trigger, a tenant's time zone or
/// currency change, and a store's install (its first sync). A connection that already has a queued or running run gets
/// that run back, not a second one.
/// </summary>
public sealed class SyncStarter(TenantDatabases databases, SyncRunStore runs, SyncRunService service)
{
    public static readonly string[] Pollable = ["shopify", "meta", "google"];

    /// <summary>One run for the connection named, or one per enabled connection of the tenant when none is named.</summary>
    public async Task<StartOutcome> StartAsync(string tenantId, string? connectionId, bool full, CancellationToken ct)
    {
        await using var db = await TenantDb.BeginAsync(databases, tenantId, ct);
        var mine = await ConnectionsAsync(db, ct);
        List<string> targets;
        if (connectionId is not null)
        {
            if (!mine.TryGetValue(connectionId, out var enabled))
                return new StartOutcome([], NotFound: Problems.NotFound($"This tenant has no connection {connectionId}. GET /api/v1/ingest/connections lists its connections."));
            if (!enabled)
                return new StartOutcome([], Problems.Invalid("Nothing was started: the connection is disabled.", new Dictionary<string, string[]>
                {
                    ["connection_id"] = [$"Connection {connectionId} is disabled; enable it with PATCH /api/v1/ingest/connections/{connectionId} first."],
                }));
            targets = [connectionId];
        }
        else
        {
            targets = mine.Where(c => c.Value).Select(c => c.Key).Order(StringComparer.Ordinal).ToList();
            if (targets.Count == 0)
                return new StartOutcome([], Problems.Invalid("Nothing was started: the tenant has no enabled connection to sync.", new Dictionary<string, string[]>
                {
                    ["connection_id"] = ["Create a connection with POST /api/v1/ingest/connections (or enable one), then sync it."],
                }));
        }
        var started = new List<(SyncRun Run, bool Created)>();
        foreach (var id in targets) started.Add(await runs.QueueAsync(db, id, SyncKinds.Poll, full, ct));
        await db.CommitAsync(ct);
        service.Nudge();
        return new StartOutcome(started);
    }

    /// <summary>Queues the tenant's re-projection (or finds the one queued or running).</summary>
    public async Task<SyncRun> StartReprojectAsync(string tenantId, CancellationToken ct)
    {
        await using var db = await TenantDb.BeginAsync(databases, tenantId, ct);
        var (run, _) = await runs.QueueAsync(db, null, SyncKinds.Reproject, full: true, ct);
        await db.CommitAsync(ct);
        service.Nudge();
        return run;
    }

    /// <summary>The tenant's pollable connections and whether each is enabled.</summary>
    private static async Task<Dictionary<string, bool>> ConnectionsAsync(TenantDb db, CancellationToken ct)
    {
        await using var cmd = db.Command("select id, enabled from ingest_connections where tenant_id = $1 and source = any($2)", db.TenantId, Pollable);
        var found = new Dictionary<string, bool>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) found[reader.GetString(0)] = reader.GetBoolean(1);
        return found;
    }
}

/// <summary>The runs started or found (Created false: it was already queued or running), or why none was.</summary>
public sealed record StartOutcome(IReadOnlyList<(SyncRun Run, bool Created)> Runs, ValidationProblem? Invalid = null, ProblemHttpResult? NotFound = null);

using System.Text.Json;
using GrowHalo.Dashboard.Live;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Wolverine.Http;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace GrowHalo.Ingestion.Sync;

/// <summary>
/// GET /api/v1/sync/{id}/events (read): Server-Sent Events of one run. <c>progress</c> (the run as GET answers it)
/// whenever it changed, at most every <see cref="SyncOptions.ProgressInterval"/>, then one <c>completed</c>,
/// <c>failed</c> or <c>cancelled</c> event and the stream ends. The run is read from PostgreSQL each time, so the
/// stream follows a run whichever server executes it.
/// </summary>
public static class SyncEventsEndpoint
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    [WolverineGet("/api/v1/sync/{id}/events", OperationId = "SyncEvents"), RequireScope(Scopes.Read, Scopes.Admin), Tags("Sync")]
    [ProducesProblems(StatusCodes.Status404NotFound)]
    public static async Task<Results<EventStream, ProblemHttpResult>> Get(string id, RequestTenant tenant, TenantDatabases databases,
        SyncRunStore runs, IOptions<SyncOptions> options, IOptions<JsonOptions> json, IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        if (await GetSyncEndpoint.FindAsync(id, tenant, databases, runs, ct) is not { } first) return GetSyncEndpoint.NotFound(id);
        return new EventStream(http => Stream(http, first, tenant, databases, runs, options.Value.ProgressInterval, json.Value.SerializerOptions, lifetime));
    }

    private static async Task Stream(HttpContext http, SyncRun run, RequestTenant tenant, TenantDatabases databases, SyncRunStore runs,
        TimeSpan interval, JsonSerializerOptions json, IHostApplicationLifetime lifetime)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var ct = stop.Token;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache, no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            SyncRun? sent = null;
            var quietSince = DateTime.UtcNow;
            while (true)
            {
                if (!run.Active)
                {
                    await Send(http, $"event: {run.State}\ndata: {JsonSerializer.Serialize(run, json)}\n\n", ct);
                    return;
                }
                if (run != sent)
                {
                    await Send(http, $"event: progress\ndata: {JsonSerializer.Serialize(run, json)}\n\n", ct);
                    (sent, quietSince) = (run, DateTime.UtcNow);
                }
                else if (DateTime.UtcNow - quietSince > KeepAlive)
                {
                    await Send(http, ": keep-alive\n\n", ct);
                    quietSince = DateTime.UtcNow;
                }
                await Task.Delay(interval, ct);
                await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
                if (await runs.FindAsync(db, run.Id, ct) is not { } next) return; // the tenant's data was deleted
                run = next;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private static async Task Send(HttpContext http, string text, CancellationToken ct)
    {
        await http.Response.WriteAsync(text, ct);
        await http.Response.Body.FlushAsync(ct);
    }
}

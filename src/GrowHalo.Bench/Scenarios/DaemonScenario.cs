using System.Diagnostics;
using GrowHalo.EventStore;
using GrowHalo.EventStore.Projections;
using GrowHalo.Ingestion.Activity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// The projection daemon catching up from a backlog: 200,000 ~2 KB Shopify orders are appended first, then a daemon
/// with IngestActivityProjection starts; the figure is events/s from its start until it has applied the last event.
/// A 10,000-event catch-up on another database warms up first.
/// </summary>
public sealed class DaemonScenario : IScenario
{
    private const int Backlog = 200_000;
    public string Name => "daemon";
    public string Description => $"events/s of the daemon catching up from a {Backlog:N0}-event backlog (IngestActivityProjection)";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken ct)
    {
        await CatchUpAsync(await BacklogAsync(context, 10_000, ct), ct);
        var db = await BacklogAsync(context, Backlog, ct);
        var (elapsed, batchSize) = await CatchUpAsync(db, ct);
        return [new Measurement(Name, $"catch up {Backlog:N0} events", Backlog / elapsed.TotalSeconds, "events/s",
            $"{Backlog:N0} events in {elapsed.TotalSeconds:0.0} s, batches of {batchSize:N0}, 3 tenants")];
    }

    private static async Task<NpgsqlDataSource> BacklogAsync(BenchContext context, int count, CancellationToken ct)
    {
        var db = await context.FreshDatabaseAsync(ct);
        var store = new EventStore.EventStore(db);
        var random = new Random(7);
        var payloads = Enumerable.Range(0, 2000).Select(i => ShopifyOrders.Order(i, random)).ToArray();
        string[] tenants = ["t-acme", "t-bolt", "t-cove"];
        for (var start = 0; start < count; start += 10_000)
        {
            var tenant = tenants[start / 10_000 % tenants.Length];
            await store.AppendAsync(tenant, [.. Enumerable.Range(start, Math.Min(10_000, count - start)).Select(id =>
                NewEvent.Create(tenant, $"shopify:order:{id}", $"orders:{id}:v1", "shopify_order_received", payloads[id % payloads.Length]))], ct: ct);
        }
        await using var analyze = db.CreateCommand("analyze events");
        await analyze.ExecuteNonQueryAsync(ct);
        return db;
    }

    private static async Task<(TimeSpan Elapsed, int BatchSize)> CatchUpAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var options = new ProjectionDaemonOptions();
        using var daemon = new ProjectionDaemon(db, [new IngestActivityProjection()], Options.Create(options), NullLogger<ProjectionDaemon>.Instance);
        var clock = Stopwatch.StartNew();
        await daemon.StartAsync(ct);
        // Cheap check (an index probe), so that watching does not slow the daemon down.
        await using var done = db.CreateCommand("""
            select not exists (select 1 from events e, projection_progress p
                               where p.name = 'ingest_activity' and (e.tx_id, e.seq_id) > (p.tx_id, p.seq_id))
               and exists (select 1 from projection_progress where name = 'ingest_activity')
            """);
        while (!(bool)(await done.ExecuteScalarAsync(ct))!) await Task.Delay(20, ct);
        var elapsed = clock.Elapsed;
        await daemon.StopAsync(ct);
        return (elapsed, options.BatchSize);
    }
}

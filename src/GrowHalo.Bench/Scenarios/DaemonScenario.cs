using System.Diagnostics;
using GrowHalo.Bench.Setup;
using GrowHalo.Ingestion.Activity;
using GrowHalo.Platform.Events.Projections;

namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// Marten's async daemon catching up from a backlog: 200,000 ~2 KB Shopify orders (at scale 1) are appended first,
/// then a daemon with IngestActivityProjection alone starts in this process; the figure is events/s from its start
/// until its progress (mt_event_progression) has passed the last event. A 10,000-event catch-up on another database
/// warms up first.
/// </summary>
public sealed class DaemonScenario : IScenario
{
    private const int Backlog = 200_000;
    public string Name => "daemon";
    public string Description => $"events/s of the daemon catching up from a {Backlog:N0}-event backlog (IngestActivityProjection)";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var backlog = Math.Max(10_000, (int)(Backlog * context.Scale));
        await CatchUpAsync(await BacklogAsync(context, 10_000, ct), ct);
        var db = await BacklogAsync(context, backlog, ct);
        var (elapsed, batchSize) = await CatchUpAsync(db, ct);
        return [new Measurement(Name, $"catch up {backlog:N0} events", backlog / elapsed.TotalSeconds, "events/s",
            $"{backlog:N0} events in {elapsed.TotalSeconds:0.0} s, batches of {batchSize:N0}, 3 tenants")];
    }

    private static async Task<BenchDatabase> BacklogAsync(BenchContext context, int count, CancellationToken ct)
    {
        var db = await context.CreateDatabaseAsync(ct);
        var random = new Random(7);
        var payloads = Enumerable.Range(0, 2000).Select(i => ShopifyOrders.Order(i, random)).ToArray();
        string[] tenants = ["t-acme", "t-bolt", "t-cove"];
        for (var start = 0; start < count; start += 10_000)
        {
            var tenant = tenants[start / 10_000 % tenants.Length];
            await db.Appender.AppendAsync(tenant, [.. Enumerable.Range(start, Math.Min(10_000, count - start))
                .Select(id => ShopifyOrders.Event(tenant, id, payloads[id % payloads.Length]))], ct);
        }
        await using var analyze = db.DataSource.CreateCommand("analyze mt_events; analyze mt_streams");
        await analyze.ExecuteNonQueryAsync(ct);
        return db;
    }

    private static async Task<(TimeSpan Elapsed, int BatchSize)> CatchUpAsync(BenchDatabase db, CancellationToken ct)
    {
        ISqlProjection projection = new IngestActivityProjection();
        return (await BenchStore.CatchUpAsync(db.DataSource, projection, ct), projection.BatchSize);
    }
}

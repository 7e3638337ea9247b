using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GrowHalo.EventStore;
using GrowHalo.Ingestion;
using GrowHalo.Ingestion.Adapters;
using GrowHalo.Simulator.World;

namespace GrowHalo.Bench.Setup;

/// <summary>
/// Two years of one brand's history as events, appended straight through EventStore (as fast as setup can honestly
/// be: the same events the batch API would store, in appends of 10,000): every Meta and Google campaign-day of the
/// simulator world, and orders up to the requested total.
///
/// Rendering a million orders with the simulator takes minutes, so the world renders a pool of orders spread over
/// the two years (each with its own customer, lines, discounts, refunds, cancellations, test flags) and each pool
/// order is then repeated under other ids: replica r moves the order id and customer id into a range of its own and
/// tags the e-mail addresses (+r), so every replica is another order of another customer on the same day.
/// </summary>
public sealed record HistoryBacklog(BenchDatabase Database, BenchTenant Tenant, long Events, long Orders, TimeSpan SetupTime)
{
    public const int Days = 730;
    private const int PoolPerDay = 40;
    private const long ReplicaIdStride = 10_000_000_000_000;

    public static async Task<HistoryBacklog> BuildAsync(BenchContext context, long totalEvents, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var db = await context.CreateDatabaseAsync(ct, shared: true);
        var tenant = await BenchTenant.CreateAsync(db.DataSource, "History Bench", ct: ct);
        var store = new EventStore.EventStore(db.DataSource);
        var receivedAt = DateTimeOffset.UtcNow;
        var batch = new RecordContext(Channels.Batch, receivedAt, BatchId: Guid.CreateVersion7());

        var asOf = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var world = new SimWorld(new WorldOptions { OrdersPerDay = PoolPerDay, Seed = 11 }, DateOnly.FromDateTime(asOf.UtcDateTime).AddDays(-Days));
        var today = world.Clock.DayOf(asOf);
        var ads = world.Ads.Days("meta", world.FirstDay, today, asOf).Select(d => (Sources.Meta, AdRowJson.Meta(d, world.Options).ToJsonString()))
            .Concat(world.Ads.Days("google", world.FirstDay, today, asOf).Select(d => (Sources.Google, AdRowJson.Google(d, world.Options).ToJsonString())))
            .ToList();
        var pool = world.Orders(asOf).Select(o => (o.Id, o.Customer?.Id, Json: o.Render(asOf, world.Clock).ToJsonString())).ToList();
        context.Log($"history: {pool.Count:N0} pool orders and {ads.Count:N0} ad rows rendered in {clock.Elapsed.TotalSeconds:0} s");

        var orderCount = Math.Max(0, totalEvents - ads.Count);
        IEnumerable<(string Source, string Resource, string Json)> Records()
        {
            foreach (var (source, json) in ads) yield return (source, Resources.AdSpend, json);
            for (long n = 0; n < orderCount; n++)
            {
                var (id, customer, json) = pool[(int)(n % pool.Count)];
                yield return (Sources.Shopify, Resources.Order, Replica(json, id, customer, n / pool.Count));
            }
        }

        // Convert the next 10,000 while the previous 10,000 are appended.
        Task<List<NewEvent>>? next = null;
        long appended = 0;
        foreach (var chunk in Records().Chunk(10_000))
        {
            var converting = Task.Run(() => chunk.Select(r => ToEvent(tenant.Id, r, batch)).ToList(), ct);
            if (next is not null) appended += (await store.AppendAsync(tenant.Id, await next, ct: ct)).Appended;
            next = converting;
        }
        if (next is not null) appended += (await store.AppendAsync(tenant.Id, await next, ct: ct)).Appended;
        context.Log($"history: {appended:N0} events appended in {clock.Elapsed.TotalSeconds:0} s");
        // A backlog is events that have been waiting: PostgreSQL has vacuumed them (hint bits, visibility map) and
        // gathered statistics, as autovacuum does within a minute of a bulk load. Timed straight after the load, the
        // catch-up also pays for that housekeeping (autovacuum and the first reads of new rows): 14,625 instead of
        // 18,583 events/s in two runs of this bench (README "Performance").
        await using (var vacuum = db.DataSource.CreateCommand("vacuum analyze"))
            await vacuum.ExecuteNonQueryAsync(ct);
        context.Log($"history: vacuumed and analyzed, {clock.Elapsed.TotalSeconds:0} s in all");
        return new HistoryBacklog(db, tenant, appended, orderCount, clock.Elapsed);
    }

    private static NewEvent ToEvent(string tenantId, (string Source, string Resource, string Json) record, RecordContext context)
    {
        using var doc = JsonDocument.Parse(record.Json);
        return SourceAdapters.ToEvent(tenantId, record.Source, record.Resource, doc.RootElement.Clone(), context).Event
            ?? throw new InvalidOperationException($"a simulator {record.Resource} record did not validate: {record.Json[..200]}");
    }

    /// <summary>The pool order as another order of another customer (replica 0 is the order itself).</summary>
    private static string Replica(string json, long orderId, long? customerId, long replica)
    {
        if (replica == 0) return json;
        var offset = replica * ReplicaIdStride;
        json = json.Replace(orderId.ToString(CultureInfo.InvariantCulture), (orderId + offset).ToString(CultureInfo.InvariantCulture));
        if (customerId is { } c) json = json.Replace(c.ToString(CultureInfo.InvariantCulture), (c + offset).ToString(CultureInfo.InvariantCulture));
        return json.Replace("@", $"+r{replica}@");
    }
}

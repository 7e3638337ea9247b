using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GrowHalo.Ingestion;
using GrowHalo.Ingestion.Adapters;
using GrowHalo.Platform.Events;
using GrowHalo.Simulator.World;
using JasperFx.Events;
using Marten.Events;

namespace GrowHalo.Bench.Setup;

/// <summary>
/// Two years of one brand's history as events, loaded with Marten's bulk import (BulkInsertEventsAsync: binary COPY
/// into mt_streams and mt_events, sequences drawn from mt_events_sequence and the high-water mark moved, one
/// transaction per 10,000 events) — as fast as setup can honestly be, and made for a backlog loaded before the server
/// starts: the same events the batch API would store (ids, streams, bodies, headers): every Meta and Google
/// campaign-day of the simulator world, and orders up to the requested total.
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
        var store = db.Store;
        var graph = (EventGraph)store.Options.Events;
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
        IEnumerable<(string Source, string Resource, string Json)> Orders()
        {
            for (long n = 0; n < orderCount; n++)
            {
                var (id, customer, json) = pool[(int)(n % pool.Count)];
                yield return (Sources.Shopify, Resources.Order, Replica(json, id, customer, n / pool.Count));
            }
        }

        // Convert the next 10,000 while the previous 10,000 are imported. A stream's events must all be in one import
        // (each import COPYs its streams into mt_streams): the ad rows (a few streams with an event a day) are imported
        // together, ahead of the orders (a stream each). An id seen before is a duplicate, left out as an append would.
        var seen = new HashSet<Guid>();
        long appended = 0;
        async Task ImportAsync(List<NewEvent> events)
        {
            var fresh = events.Where(e => seen.Add(e.Id)).ToList();
            var streams = fresh.GroupBy(e => e.StreamId, StringComparer.Ordinal)
                .Select(g => StreamAction.Start(g.Key, [.. g.Select(e => Wrap(graph, e))]))
                .ToList();
            if (streams.Count > 0) await store.BulkInsertEventsAsync(tenant.Id, streams, batchSize: 10_000, ct);
            appended += fresh.Count;
        }
        await ImportAsync([.. ads.Select(a => ToEvent(tenant.Id, (a.Item1, Resources.AdSpend, a.Item2), batch))]);
        Task<List<NewEvent>>? next = null;
        foreach (var chunk in Orders().Chunk(10_000))
        {
            var converting = Task.Run(() => chunk.Select(r => ToEvent(tenant.Id, r, batch)).ToList(), ct);
            if (next is not null) await ImportAsync(await next);
            next = converting;
        }
        if (next is not null) await ImportAsync(await next);
        context.Log($"history: {appended:N0} events imported in {clock.Elapsed.TotalSeconds:0} s");
        // A backlog is events that have been waiting: PostgreSQL has vacuumed them (hint bits, visibility map) and
        // gathered statistics, as autovacuum does within a minute of a bulk load. Timed straight after the load, the
        // catch-up also pays for that housekeeping (autovacuum and the first reads of new rows): 14,625 instead of
        // 18,583 events/s in two runs of this bench (README "Performance").
        await using (var vacuum = db.DataSource.CreateCommand("vacuum analyze"))
            await vacuum.ExecuteNonQueryAsync(ct);
        context.Log($"history: vacuumed and analyzed, {clock.Elapsed.TotalSeconds:0} s in all");
        return new HistoryBacklog(db, tenant, appended, orderCount, clock.Elapsed);
    }

    /// <summary>The event as EventAppender hands it to Marten: the body, the deterministic id, the headers.</summary>
    private static IEvent Wrap(EventGraph graph, NewEvent e)
    {
        var wrapped = graph.BuildEvent(e.Data);
        wrapped.Id = e.Id;
        if (e.Headers is not null)
            foreach (var (key, value) in e.Headers) wrapped.SetHeader(key, value);
        return wrapped;
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

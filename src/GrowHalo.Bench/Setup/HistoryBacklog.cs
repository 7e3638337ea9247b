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
/// campaign-day of the simulator world, and the requested number of orders (1,000,000 at scale 1).
///
/// Rendering a million orders with the simulator takes minutes, so the world renders a pool of orders spread over
/// the two years (each with its own lines, discounts, refunds, cancellations, test flags, and the world's customers,
/// a third of them returning) and each pool order is then repeated under other ids: replica r moves the order id into
/// a range of its own. Its buyer becomes one of 100,000 customers (at scale 1; <see cref="CustomerOf"/>): everything a
/// pool customer bought in one replica goes to one bench customer, picked with a skew so that a bench customer holds
/// the pool histories of a few pool customers on other days — a median of about 8 counted orders over the two years,
/// a long tail of loyal customers with hundreds, a few per cent with one — as a brand with 1,000,000 orders from
/// 100,000 customers has.
/// </summary>
public sealed record HistoryBacklog(BenchDatabase Database, BenchTenant Tenant, long Events, long Orders, TimeSpan SetupTime)
{
    public const int Days = 730;
    private const int PoolPerDay = 40;
    private const long ReplicaIdStride = 10_000_000_000_000;
    private const long BenchCustomerIds = 8_000_000_000; // above every simulator customer id (6,000,000,000 + day × 1,000 + n)

    /// <param name="orders">Orders in the history; customers are a tenth of them.</param>
    public static async Task<HistoryBacklog> BuildAsync(BenchContext context, long orders, CancellationToken ct)
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
        var pool = world.Orders(asOf).Select(o => (o.Id, o.Customer?.Id, o.Email, Json: o.Render(asOf, world.Clock).ToJsonString())).ToList();
        context.Log($"history: {pool.Count:N0} pool orders and {ads.Count:N0} ad rows rendered in {clock.Elapsed.TotalSeconds:0} s");

        var orderCount = Math.Max(0, orders);
        var customers = Math.Max(10, orderCount / 10);
        IEnumerable<(string Source, string Resource, string Json)> Orders()
        {
            for (long n = 0; n < orderCount; n++)
            {
                var (id, customer, email, json) = pool[(int)(n % pool.Count)];
                yield return (Sources.Shopify, Resources.Order, Replica(json, id, customer, email, n / pool.Count, customers));
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

    /// <summary>The pool order as another order (replica 0 keeps its id) of a bench customer (<see cref="CustomerOf"/>).</summary>
    private static string Replica(string json, long orderId, long? customerId, string email, long replica, long customers)
    {
        if (replica > 0)
            json = json.Replace(orderId.ToString(CultureInfo.InvariantCulture), (orderId + replica * ReplicaIdStride).ToString(CultureInfo.InvariantCulture));
        var (slot, registered) = CustomerOf(customerId, email, replica, customers);
        if (registered)
            json = json.Replace(customerId!.Value.ToString(CultureInfo.InvariantCulture), (BenchCustomerIds + slot).ToString(CultureInfo.InvariantCulture));
        return json.Replace($"\"{email}\"", registered ? $"\"customer{slot}@example.com\"" : $"\"guest{slot}@example.com\"");
    }

    /// <summary>
    /// Which bench customer buys what a pool customer (or guest e-mail) bought in a replica: registered buyers go to
    /// 92 % of the slots, skewed towards the low ones (slot = ⌊n × u^1.5⌋, u uniform from a hash of buyer and replica),
    /// guests evenly to the rest. Deterministic, so every run builds the same history.
    /// </summary>
    private static (long Slot, bool Registered) CustomerOf(long? customerId, string email, long replica, long customers)
    {
        var registeredSlots = customers * 92 / 100;
        var buyer = customerId is { } id ? (ulong)id : email.Aggregate(14695981039346656037UL, (h, c) => (h ^ c) * 1099511628211UL); // FNV-1a
        var u = (Mix(buyer * 31 + (ulong)replica) >> 11) * (1.0 / (1UL << 53));
        return customerId is null
            ? (registeredSlots + (long)(u * (customers - registeredSlots)), false)
            : ((long)(registeredSlots * Math.Pow(u, 1.5)), true);
    }

    private static ulong Mix(ulong x) // SplitMix64's finaliser
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
        return x ^ (x >> 31);
    }
}

using GrowHalo.Bench.Setup;
using GrowHalo.Platform.Events;

namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// Appends of ~2 KB Shopify orders through EventAppender.AppendAsync (Marten's event store), each in a transaction of
/// its own, one caller at a time: 1 event per append (a webhook), 100 (a page of a batch upload) and 10,000 (a large
/// batch); 1,000 events to 1,000 streams against 1,000 events to one stream (the stream design); plus 1-event appends
/// from 8 callers at once.
/// </summary>
public sealed class AppendScenario : IScenario
{
    public string Name => "append";
    public string Description => "events/s appending ~2 KB Shopify orders: 1, 100 and 10,000 events per append; 1 event from 8 callers";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var db = await context.CreateDatabaseAsync(ct);
        Task<AppendResult> AppendAsync(IReadOnlyList<NewEvent> events) => db.Appender.AppendAsync("t-bench", events, ct);
        // Payloads come from a pool built before any clock starts: the figure is the store's, not the JSON generator's.
        var random = new Random(42);
        var payloads = Enumerable.Range(0, 2000).Select(i => ShopifyOrders.Order(i, random)).ToArray();
        long nextId = 0;
        List<NewEvent> Orders(int n) => [.. Enumerable.Range(0, n).Select(_ =>
        {
            var id = Interlocked.Increment(ref nextId);
            return ShopifyOrders.Event("t-bench", id, payloads[id % payloads.Length]);
        })];

        var results = new List<Measurement>();
        foreach (var (size, seconds, min) in new[] { (1, 4, 200), (100, 4, 20), (10_000, 6, 3) })
        {
            await Measure.RepeatAsync(async _ => (await AppendAsync(Orders(size))).Appended, TimeSpan.FromSeconds(1), 2, ct);
            var run = await Measure.RepeatAsync(async _ => (await AppendAsync(Orders(size))).Appended,
                TimeSpan.FromSeconds(seconds), min, ct);
            results.Add(new Measurement(Name, $"{size:N0} event{(size == 1 ? "" : "s")} per append", run.PerSecond, "events/s",
                $"{run.Items:N0} events in {run.Operations:N0} appends, {run.Elapsed.TotalSeconds:0.0} s; per append p50 {run.Percentile(50):0.0} ms, p95 {run.Percentile(95):0.0} ms"));
        }

        // The stream design: the same 1,000 orders as 1,000 streams (one per order, GrowHalo's) or appended to one stream
        // (one per tenant and source). Marten's quick append is one function call per stream of the append.
        foreach (var oneStream in new[] { false, true })
        {
            List<NewEvent> Page() => oneStream ? [.. Orders(1000).Select(e => e with { StreamId = "shopify:orders" })] : Orders(1000);
            await Measure.RepeatAsync(async _ => (await AppendAsync(Page())).Appended, TimeSpan.FromSeconds(1), 2, ct);
            var run = await Measure.RepeatAsync(async _ => (await AppendAsync(Page())).Appended, TimeSpan.FromSeconds(5), 5, ct);
            results.Add(new Measurement(Name, oneStream ? "1,000 events to one stream per append" : "1,000 events to 1,000 streams per append",
                run.PerSecond, "events/s",
                $"{run.Items:N0} events in {run.Operations:N0} appends; per append p50 {run.Percentile(50):0.0} ms, p95 {run.Percentile(95):0.0} ms"));
        }

        const int callers = 8;
        var prepared = Enumerable.Range(0, callers).Select(_ => Orders(3000)).ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var appended = 0;
            foreach (var e in prepared[c])
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(4)) break;
                appended += (await AppendAsync([e])).Appended;
            }
            return appended;
        }, ct)));
        var elapsed = clock.Elapsed;
        results.Add(new Measurement(Name, $"1 event per append, {callers} callers", counts.Sum() / elapsed.TotalSeconds, "events/s",
            $"{counts.Sum():N0} events in {elapsed.TotalSeconds:0.0} s"));
        return results;
    }
}

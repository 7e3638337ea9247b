using System.Diagnostics;
using System.Net;
using System.Text;
using GrowHalo.Bench.Server;
using GrowHalo.Bench.Setup;

namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// The projection daemon of a GrowHalo server process (every projection the server has: ingest activity, and the
/// commerce projection to orders, customers, ad spend and daily summaries where present). First, catch-up: the server
/// starts over a backlog of 1,000,000 orders and their ad rows (two years of 100,000 customers, see <see cref="HistoryBacklog"/>) and
/// the figure is events/s until every projection has applied the last one. Then live lag: orders arrive through the
/// batch API at 1,000 events/s (100 every 100 ms), and each request's lag is the time from its answer (after commit)
/// until every projection's progress has passed its last event.
/// </summary>
public sealed class ProjectionsScenario : IScenario
{
    private const int LiveSeconds = 20;
    public string Name => "projections";
    public string Description => "events/s catching up from a backlog of 1,000,000 orders; live lag while ingesting 1,000 events/s";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var history = await context.UnprojectedHistoryAsync(ct);
        var live = SimPayloads.Orders(LiveSeconds * 1000, days: 20, seed: 23, idOffset: 9_000_000_000_000_000)
            .Select(o => o.ToJsonString()).Chunk(100).Select(Body).ToList();

        var postmaster = await CpuMeter.PostmasterAsync(history.Database.DataSource, ct);
        var postgresCpu = CpuMeter.TreeSeconds(postmaster);
        await using var server = await GrowHaloServer.StartAsync(Name, history.Database.ConnectionString, ct: ct);
        var startedAt = server.StartedAt; // the daemon starts working before HTTP answers: time from process start
        var names = await ProjectionWatch.NamesAsync(server, ct);
        var watch = new ProjectionWatch(history.Database.DataSource, names);
        await watch.WaitForAsync(await watch.LastEventAsync(ct), TimeSpan.FromMinutes(20), ct, pollMs: 250);
        var catchUp = Stopwatch.GetElapsedTime(server.StartedTimestamp);
        // CPU per event: steadier than wall-clock on a shared machine, and it bounds what two cores can do.
        var serverMs = CpuMeter.Seconds(server.ProcessId) * 1000 * 1000 / history.Events;
        var postgresMs = (CpuMeter.TreeSeconds(postmaster) - postgresCpu) * 1000 * 1000 / history.Events;
        var caughtUpAt = DateTimeOffset.UtcNow;
        var middle = startedAt + catchUp / 2;
        var firstHalf = server.Memory.MaxSampledBetween(startedAt, middle);
        var secondHalf = server.Memory.MaxSampledBetween(middle, caughtUpAt);
        context.RecordPeak("projections catch-up", server.Memory.PeakBytes);
        context.RecordPeak("projections catch-up, first half (sampled)", firstHalf);
        context.RecordPeak("projections catch-up, second half (sampled)", secondHalf);

        var lags = await LiveLagAsync(server, history, watch, live, ct);
        var perSecond = history.Events / catchUp.TotalSeconds;
        var run = new Measure.Run(lags.Count, lags.Count, TimeSpan.FromSeconds(LiveSeconds), lags);
        return
        [
            new(Name, $"catch up {history.Events:N0} events", perSecond, "events/s",
                $"{catchUp.TotalSeconds:0.0} s from server start until {string.Join(" and ", names)} were up to date (backlog built and vacuumed in {history.SetupTime.TotalSeconds:0} s)",
                "≥ 20,000", perSecond >= 20_000),
            new(Name, "catch-up CPU per 1,000 events", serverMs + postgresMs, "ms",
                $"GrowHalo server {serverMs:0} ms (from process start), PostgreSQL {postgresMs:0} ms; {Environment.ProcessorCount} cores fully busy at this cost would apply {Environment.ProcessorCount * 1000 * 1000 / (serverMs + postgresMs):N0} events/s"),
            new(Name, "live lag p99 at 1,000 events/s", run.Percentile(99), "ms",
                $"{lags.Count} batch requests of 100 orders; p50 {run.Percentile(50):0} ms, max {lags.Max():0} ms, commit to every projection past it"),
        ];
    }

    private static async Task<List<double>> LiveLagAsync(GrowHaloServer server, HistoryBacklog history, ProjectionWatch watch,
        IReadOnlyList<byte[]> bodies, CancellationToken ct)
    {
        using var http = server.Client(history.Tenant.ApiKey);
        var pending = new List<(long At, long AnsweredTicks)>();
        var lags = new List<double>();
        var sending = true;
        var poller = Task.Run(async () =>
        {
            while (sending || pending.Count > 0)
            {
                var slowest = await watch.SlowestAsync(ct);
                var now = Stopwatch.GetTimestamp();
                lock (pending)
                {
                    foreach (var p in pending.Where(p => p.At <= slowest).ToList())
                    {
                        lags.Add(Stopwatch.GetElapsedTime(p.AnsweredTicks, now).TotalMilliseconds);
                        pending.Remove(p);
                    }
                }
                await Task.Delay(5, ct);
            }
        }, ct);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < bodies.Count; i++)
        {
            var due = TimeSpan.FromMilliseconds(100 * i);
            if (clock.Elapsed < due) await Task.Delay(due - clock.Elapsed, ct);
            using var content = new ByteArrayContent(bodies[i]) { Headers = { ContentType = new("application/json") } };
            using var response = await http.PostAsync("/api/v1/ingest/batch", content, ct);
            var answered = Stopwatch.GetTimestamp();
            if (response.StatusCode != HttpStatusCode.Created)
                throw new InvalidOperationException($"live batch answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            var last = await watch.LastEventAsync(ct); // only this loop appends now: the log's last event is this batch's last
            lock (pending) pending.Add((last, answered));
        }
        sending = false;
        await poller.WaitAsync(TimeSpan.FromMinutes(2), ct);
        return lags;
    }

    private static byte[] Body(string[] orders) => Encoding.UTF8.GetBytes(
        "{\"source\":\"shopify\",\"events\":[" + string.Join(",", orders.Select(o => "{\"eventType\":\"order\",\"payload\":" + o + "}")) + "]}");
}

using System.Text.Json;
using GrowHalo.Bench.Server;
using GrowHalo.Bench.Setup;
using GrowHalo.Simulator.StandIns;
using GrowHalo.Simulator.World;

namespace GrowHalo.Bench.Scenarios.Soak;

/// <summary>
/// Mixed load on one GrowHalo server process for --minutes (30 by default) at a rate two cores hold: signed webhooks,
/// batch uploads, polling of the stand-in platforms, metrics and status queries, the dashboard page, and SSE clients
/// on the live stream. It checks, and exits non-zero when one fails (see docs/reliability-soak.md):
/// memory flat (the server's peak resident set in the second half ≤ 110 % of the first, after a warm-up sixth; its
/// live managed heap at the ends of the windows of the second half ≤ 110 % of the first's after the warm-up, or + 2 MB),
/// latency stable per kind (p99, or p95 for kinds with fewer requests, of the second half ≤ 1.5 × the first's + 10 ms,
/// after a warm-up sixth),
/// projection lag at the end &lt; 1 s, every acknowledged record stored, no failed request, live clients served
/// throughout, polling alive.
/// </summary>
public sealed class SoakScenario : IScenario
{
    public const double DefaultMinutes = 30;
    private const int Windows = 6;
    private const int LiveSamples = 3;
    public string Name => "soak";
    public string Description => $"{DefaultMinutes} minutes (--minutes N) of mixed load: memory flat, no leak, latency stable, projection lag < 1 s, nothing acknowledged lost";
    public bool TargetsAreCriteria => true;

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var duration = TimeSpan.FromMinutes(context.Minutes ?? DefaultMinutes);
        var rates = new SoakRates().Scaled(context.Scale);
        var db = await context.CreateDatabaseAsync(ct);
        var tenants = await SoakTenants.CreateAsync(db.DataSource, ct);
        var world = new SimWorld(new WorldOptions(), DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-14));
        await using var standIns = await StandInServer.StartAsync(new StandInState(world, TimeProvider.System, new StandInOptions { BucketSize = 10_000 }), ct: ct);
        // Tenants' rate limits stay at their defaults (shared through PostgreSQL), above the soak's rates. Shopify delivers
        // from many addresses, the soak from 127.0.0.1 alone: the per-address limit is raised, and still runs.
        await using var server = await GrowHaloServer.StartAsync(Name, db.ConnectionString, new Dictionary<string, string?>
        {
            ["RateLimits__PerAddressPermitsPerSecond"] = "1000000",
            ["RateLimits__PerAddressBurst"] = "1000000",
            ["Connections__AllowStandInHosts"] = "true", // the stand-ins listen on 127.0.0.1
            ["Polling__Tick"] = "00:00:01",
            ["Polling__BackfillDays"] = "7",
        }, ct);
        await tenants.ConnectAsync(server, standIns.BaseUrl, world.Options, ct);
        var orders = SimPayloads.Orders(1000, days: 28, seed: 5).Select(o => o.ToJsonString()).ToList();
        var watch = new ProjectionWatch(db.DataSource, await ProjectionWatch.NamesAsync(server, ct));
        var postmaster = await CpuMeter.PostmasterAsync(db.DataSource, ct);
        using var heap = LiveHeap.TryStart(server.ProcessId, context.Log);

        context.Log($"soak: {duration.TotalMinutes:0.#} min at {rates.Webhooks:0.#} webhooks/s, a batch of {rates.OrdersPerBatch} orders every " +
                    $"{1 / rates.BatchesPerSecond:0.#} s, {rates.Queries:0.#} queries/s, {rates.LiveClients} live clients, 3 polled connections every {SoakTenants.PollingIntervalSeconds} s");
        var recorder = new SoakRecorder();
        var load = new SoakLoad(server, recorder, rates, tenants, orders);
        var (serverCpu, postgresCpu) = (CpuMeter.Seconds(server.ProcessId), CpuMeter.TreeSeconds(postmaster));
        var loadStart = DateTimeOffset.UtcNow;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = load.RunAsync(stop.Token);
        var probing = ProbeLagAsync(watch, recorder, TimeSpan.FromSeconds(Math.Clamp(duration.TotalSeconds / 60, 2, 10)), stop.Token);
        var window = duration / Windows;
        var liveHeap = new List<double?>();
        for (var w = 1; w <= Windows; w++)
        {
            await Task.Delay(loadStart + window * w - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero, ct);
            var live = heap is null ? null : await LiveAtWindowEndAsync(heap, ct);
            liveHeap.Add(live);
            context.Log($"soak: window {w}/{Windows} done; server RSS {server.Memory.CurrentBytes / 1048576.0:0} MB" +
                        (live is { } bytes ? $", live heap {bytes / 1048576:0.0} MB" : "") + "; " + Progress(recorder, (w - 1) * window.TotalSeconds, w * window.TotalSeconds));
        }
        await stop.CancelAsync();
        await running;
        await probing;
        var loadEnd = DateTimeOffset.UtcNow;
        serverCpu = CpuMeter.Seconds(server.ProcessId) - serverCpu;
        postgresCpu = CpuMeter.TreeSeconds(postmaster) - postgresCpu;

        var analysis = new SoakAnalysis(Name, recorder, duration, Windows);
        var results = new List<Measurement>();
        results.Add(analysis.Memory("server resident set (RSS)", server.Memory.Samples.Select(s => (s.At - loadStart, (double)s.RssBytes)).ToList()));
        if (heap is not null)
            results.Add(analysis.LiveHeap(liveHeap));
        results.AddRange(analysis.Latencies());
        results.Add(analysis.Lag());
        var failed = recorder.Samples.Where(s => !s.Ok).GroupBy(s => s.Kind).ToDictionary(g => g.Key, g => g.Count());
        results.Add(SoakAnalysis.Stored(Name, "webhooks: stored vs acknowledged", await SoakTenants.StoredAsync(db.DataSource, tenants.Webhooks.Id, ct),
            load.WebhooksAcked, failed.GetValueOrDefault("webhook")));
        results.Add(SoakAnalysis.Stored(Name, "batches: stored vs acknowledged", await SoakTenants.StoredAsync(db.DataSource, tenants.Batches.Id, ct),
            load.BatchEventsAccepted, failed.GetValueOrDefault("batch") * rates.OrdersPerBatch));
        results.Add(analysis.Failures());
        results.Add(analysis.Live(load));
        results.Add(await PollingAsync(server, tenants, db, ct));
        var seconds = (loadEnd - loadStart).TotalSeconds;
        results.Add(new(Name, "CPU", (serverCpu + postgresCpu) * 100 / seconds, "% of a core",
            $"GrowHalo server {serverCpu * 100 / seconds:0} %, PostgreSQL {postgresCpu * 100 / seconds:0} % over {seconds / 60:0.0} min on {Environment.ProcessorCount} cores"));
        analysis.PrintWindows();
        return results;
    }

    /// <summary>
    /// The server's live managed heap at a window's end: the least of <see cref="LiveSamples"/> blocking full collections
    /// a second apart, so that what one request in flight holds at that instant (a batch's orders, a page of events
    /// being projected) is not taken for growth.
    /// </summary>
    private static async Task<double?> LiveAtWindowEndAsync(LiveHeap heap, CancellationToken ct)
    {
        double? least = null;
        for (var i = 0; i < LiveSamples; i++)
        {
            if (i > 0) await Task.Delay(TimeSpan.FromSeconds(1), ct);
            if (await heap.CollectAsync(TimeSpan.FromSeconds(10), ct) is { } live) least = Math.Min(least ?? live, live);
        }
        return least;
    }

    /// <summary>Now and then, the time from an event's commit until every projection has applied it.</summary>
    private static Task ProbeLagAsync(ProjectionWatch watch, SoakRecorder recorder, TimeSpan every, CancellationToken stop) => Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, stop);
                var last = await watch.LastEventAsync(stop);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (await watch.SlowestAsync(CancellationToken.None) < last && clock.Elapsed < TimeSpan.FromSeconds(60))
                    await Task.Delay(10, CancellationToken.None);
                recorder.RecordLag(clock.Elapsed.TotalSeconds);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
        }
    });

    private static string Progress(SoakRecorder recorder, double from, double to) => string.Join(", ", recorder.Samples
        .Where(s => s.At >= from && s.At < to).GroupBy(s => s.Kind).OrderBy(g => g.Key)
        .Select(g => $"{g.Key} p99 {SoakRecorder.Percentile(g.Select(s => s.Ms).ToList(), 99):0} ms ({g.Count()}{(g.Any(s => !s.Ok) ? $", {g.Count(s => !s.Ok)} failed" : "")})"));

    /// <summary>Polling alive: each of P's connections succeeded within the last three intervals.</summary>
    private async Task<Measurement> PollingAsync(GrowHaloServer server, SoakTenants tenants, BenchDatabase db, CancellationToken ct)
    {
        using var http = server.Client(tenants.Polling.ApiKey);
        using var status = JsonDocument.Parse(await http.GetStringAsync("/api/v1/ingest/status", ct));
        var now = DateTimeOffset.UtcNow;
        var ages = status.RootElement.GetProperty("connections").EnumerateArray().Select(c =>
            (Source: c.GetProperty("source").GetString(), Age: c.GetProperty("cursor") is { ValueKind: JsonValueKind.Object } cursor
                && cursor.GetProperty("last_success_at") is { ValueKind: JsonValueKind.String } at ? (now - at.GetDateTimeOffset()).TotalSeconds : double.PositiveInfinity)).ToList();
        var stored = await SoakTenants.StoredAsync(db.DataSource, tenants.Polling.Id, ct);
        var limit = 3 * SoakTenants.PollingIntervalSeconds;
        return new(Name, "polling: events stored from the stand-ins", stored, "events",
            "last successful pass: " + string.Join(", ", ages.Select(a => $"{a.Source} {a.Age:0} s ago")),
            $"every connection polled in the last {limit} s", ages.Count == 3 && ages.All(a => a.Age <= limit));
    }
}

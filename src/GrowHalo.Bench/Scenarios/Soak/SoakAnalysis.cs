using Spectre.Console;

namespace GrowHalo.Bench.Scenarios.Soak;

/// <summary>The soak's figures and criteria, from what <see cref="SoakRecorder"/> and the samplers saw, per window of a sixth of the run.</summary>
public sealed class SoakAnalysis(string scenario, SoakRecorder recorder, TimeSpan duration, int windows)
{
    /// <summary>Requests each half needs for a criterion on its p99 (at least 10 beyond it), and on its p95.</summary>
    public const int ForP99 = 1000, ForP95 = 200;

    private static readonly string[] Kinds =
        ["webhook", "batch", "metrics summary", "metrics series", "ad-spend breakdown", "ingest status", "dashboard page"];

    private readonly IReadOnlyList<SoakRecorder.Sample> _samples = recorder.Samples;
    private double WindowSeconds => duration.TotalSeconds / windows;
    private int WindowOf(double seconds) => Math.Clamp((int)(seconds / WindowSeconds), 0, windows - 1);
    private readonly List<(string Row, IReadOnlyList<double> Values, string Unit)> _table = [];

    /// <summary>
    /// Flat memory: the highest sample in the second half of the run against the first, leaving out the first window
    /// (start-up: the JIT, pools and caches filling).
    /// </summary>
    public Measurement Memory(string what, IReadOnlyList<(TimeSpan At, double Bytes)> samples)
    {
        var warm = duration / windows;
        var middle = warm + (duration - warm) / 2;
        double Max(TimeSpan from, TimeSpan to) => samples.Where(s => s.At >= from && s.At < to).Select(s => s.Bytes).DefaultIfEmpty(0).Max();
        var (first, second) = (Max(warm, middle), Max(middle, TimeSpan.MaxValue));
        var series = Enumerable.Range(0, windows).Select(w => Max(warm * w, warm * (w + 1)) / 1048576).ToList();
        _table.Add((what + " max", series, "MB"));
        return first == 0
            ? new(scenario, $"{what}: 2nd half vs 1st", 0, "%", "too few samples", "≤ 110 %", false, series)
            : new(scenario, $"{what}: 2nd half vs 1st", second * 100 / first, "%",
                $"peak {first / 1048576:0} MB in the first half (after the first {warm.TotalMinutes:0.#} min), {second / 1048576:0} MB in the second",
                "≤ 110 %", second <= first * 1.1, series);
    }

    /// <summary>
    /// No leak: the live managed heap at the end of each window (see <see cref="Server.LiveHeap"/>), the windows of the
    /// second half (4 to 6) against those of the first after the warm-up (2 and 3: at the end of the first, start-up's
    /// garbage-to-be, such as the code generation's, can still be held). The live heap of a server at rest is a few tens of MB,
    /// of which a request in flight can hold one or two: 10 %, or 2 MB when that is more, is what it may differ by.
    /// </summary>
    public Measurement LiveHeap(IReadOnlyList<double?> atWindowEnds)
    {
        var series = atWindowEnds.Select(b => (b ?? 0) / 1048576).ToList();
        _table.Add(("server live managed heap at the window's end", series, "MB"));
        var half = windows / 2;
        var (first, second) = (atWindowEnds.Take(half).Skip(1).ToList(), atWindowEnds.Skip(half).ToList());
        const string what = "server live managed heap: 2nd half vs 1st";
        if (first.Any(b => b is null) || second.Any(b => b is null))
            return new(scenario, what, 0, "%", "a window's end has no full collection: the server did not answer the diagnostics channel", "≤ 110 % or + 2 MB", false, series);
        var (was, now) = (first.Max()!.Value, second.Max()!.Value);
        var limit = Math.Max(was * 1.1, was + 2 * 1048576);
        return new(scenario, what, now * 100 / was, "%",
            $"live after a blocking full collection at each window's end: {string.Join(" / ", series.Select(v => v.ToString("0.0")))} MB; " +
            $"most {was / 1048576:0.0} MB in the first half (after the first window), {now / 1048576:0.0} MB in the second",
            $"≤ 110 % or + 2 MB = {limit / 1048576:0.0} MB", now <= limit, series);
    }

    /// <summary>
    /// Stable latency per kind: every request of the second half of the run pooled against every request of the first
    /// (after the warm-up window, as for memory). A percentile says something only with enough requests beyond it, so
    /// the criterion is on p99 when each half has at least <see cref="ForP99"/> requests (the 10 worst and more), on p95
    /// when it has at least <see cref="ForP95"/>, and there is none below that. Per-window p99s are kept for the table.
    /// </summary>
    public IEnumerable<Measurement> Latencies()
    {
        var warm = WindowSeconds;
        var middle = warm + (duration.TotalSeconds - warm) / 2;
        foreach (var kind in Kinds)
        {
            var mine = _samples.Where(s => s.Kind == kind).ToList();
            if (mine.Count == 0) continue;
            var p99 = Enumerable.Range(0, windows).Select(w => SoakRecorder.Percentile(mine.Where(s => WindowOf(s.At) == w).Select(s => s.Ms).ToList(), 99)).ToList();
            _table.Add((kind + " p99", p99, "ms"));
            var first = mine.Where(s => s.At >= warm && s.At < middle).Select(s => s.Ms).ToList();
            var second = mine.Where(s => s.At >= middle).Select(s => s.Ms).ToList();
            var detail = $"{mine.Count:N0} requests ({mine.Count / duration.TotalSeconds:0.##}/s), p50 {SoakRecorder.Percentile(mine.Select(s => s.Ms).ToList(), 50):0.0} ms; p99 per window " +
                         string.Join(" / ", p99.Select(v => v.ToString("0"))) + " ms";
            var fewer = Math.Min(first.Count, second.Count);
            int? percentile = fewer >= ForP99 ? 99 : fewer >= ForP95 ? 95 : null;
            if (percentile is not { } p)
            {
                yield return new(scenario, $"{kind}: p99, 2nd half vs 1st", SoakRecorder.Percentile(second, 99), "ms",
                    detail + $"; {first.Count:N0} and {second.Count:N0} requests in the halves, under {ForP95}: no criterion", Series: p99);
                continue;
            }
            var (reference, late) = (SoakRecorder.Percentile(first, p), SoakRecorder.Percentile(second, p));
            var limit = 1.5 * reference + 10;
            yield return new(scenario, $"{kind}: p{p}, 2nd half vs 1st", late, "ms",
                detail + $"; p{p} of the halves ({first.Count:N0} and {second.Count:N0} requests) {reference:0.0} → {late:0.0} ms",
                $"≤ 1.5 × {reference:0.0} + 10 = {limit:0.0} ms", late <= limit, p99);
        }
    }

    /// <summary>Projection lag: the longest probe in the last window (time from a commit until every projection applied it).</summary>
    public Measurement Lag()
    {
        var lags = recorder.Lags;
        var series = Enumerable.Range(0, windows).Select(w => lags.Where(l => WindowOf(l.At) == w).Select(l => l.Seconds).DefaultIfEmpty(0).Max()).ToList();
        _table.Add(("projection lag max", series.Select(s => s * 1000).ToList(), "ms"));
        var last = lags.Where(l => WindowOf(l.At) == windows - 1).Select(l => l.Seconds).DefaultIfEmpty(lags.Count == 0 ? double.PositiveInfinity : lags[^1].Seconds).Max();
        return new(scenario, "projection lag at the end", last, "s",
            $"{lags.Count} probes (commit → every projection applied it); max per window " + string.Join(" / ", series.Select(s => s.ToString("0.00"))) + " s",
            "< 1 s", last < 1, series);
    }

    /// <summary>Nothing acknowledged lost (nor stored twice): stored = acknowledged, plus at most the records of requests whose answer never came.</summary>
    public static Measurement Stored(string scenario, string what, long stored, long acknowledged, long unanswered) =>
        new(scenario, what, stored, "events", $"{acknowledged:N0} acknowledged, {stored:N0} stored" + (unanswered > 0 ? $", up to {unanswered:N0} more from failed requests" : ""),
            $"= {acknowledged:N0}", stored >= acknowledged && stored <= acknowledged + unanswered);

    public Measurement Failures()
    {
        var failed = _samples.Count(s => !s.Ok);
        var worst = recorder.Errors.OrderByDescending(e => e.Value).Take(3).Select(e => $"{e.Value}× {e.Key}");
        return new(scenario, "failed requests", failed, "requests",
            failed == 0 ? $"all {_samples.Count:N0} answered as expected" : string.Join("; ", worst), "0", failed == 0);
    }

    /// <summary>Live clients served throughout: no stream ended early, each got updates in the last window.</summary>
    public Measurement Live(SoakLoad load)
    {
        var perClient = load.LiveChangesAt;
        var lastWindow = perClient.Count(c => c.Any(at => WindowOf(at) == windows - 1));
        var connects = _samples.Where(s => s.Kind == "live connect").Select(s => s.Ms).ToList();
        return new(scenario, "live clients: changed events received", load.LiveChanges, "events",
            $"{perClient.Count} clients, {load.LiveDrops} streams ended early, {lastWindow} with updates in the last window; " +
            $"{connects.Count} connections, slowest to open {connects.DefaultIfEmpty(0).Max():0} ms",
            "no drops, updates to the end", load.LiveDrops == 0 && lastWindow == perClient.Count);
    }

    public void PrintWindows()
    {
        var table = new Table().AddColumn("per window");
        for (var w = 0; w < windows; w++)
            table.AddColumn(new TableColumn($"{w * WindowSeconds / 60:0.#}–{(w + 1) * WindowSeconds / 60:0.#} min").RightAligned());
        foreach (var (row, values, unit) in _table)
            table.AddRow([Markup.Escape($"{row} ({unit})"), .. values.Select(v => v.ToString(v < 10 ? "0.0" : "0"))]);
        AnsiConsole.Write(table);
    }
}

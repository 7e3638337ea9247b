using Spectre.Console;

namespace GrowHalo.Bench.Scenarios.Soak;

/// <summary>The soak's figures and criteria, from what <see cref="SoakRecorder"/> and the samplers saw, per window of a sixth of the run.</summary>
public sealed class SoakAnalysis(string scenario, SoakRecorder recorder, TimeSpan duration, int windows, int minSamplesForP99)
{
    private static readonly string[] Kinds =
        ["webhook", "batch", "metrics summary", "metrics series", "ad-spend breakdown", "ingest status", "dashboard page"];

    private readonly IReadOnlyList<SoakRecorder.Sample> _samples = recorder.Samples;
    private double WindowSeconds => duration.TotalSeconds / windows;
    private int WindowOf(double seconds) => Math.Clamp((int)(seconds / WindowSeconds), 0, windows - 1);
    private readonly List<(string Row, IReadOnlyList<double> Values, string Unit)> _table = [];

    /// <summary>
    /// Flat memory: the highest sample in the second half of the run against the first, leaving out the first window
    /// (start-up: the JIT, pools and caches filling). With <paramref name="needsBothHalves"/>, a half without a sample
    /// (the heap after full collections: a short run may have none) gives a figure without a criterion.
    /// </summary>
    public Measurement Memory(string what, IReadOnlyList<(TimeSpan At, double Bytes)> samples, bool needsBothHalves = false)
    {
        var warm = duration / windows;
        var middle = warm + (duration - warm) / 2;
        double Max(TimeSpan from, TimeSpan to) => samples.Where(s => s.At >= from && s.At < to).Select(s => s.Bytes).DefaultIfEmpty(0).Max();
        var (first, second) = (Max(warm, middle), Max(middle, duration + TimeSpan.FromSeconds(1)));
        var series = Enumerable.Range(0, windows).Select(w => Max(warm * w, warm * (w + 1)) / 1048576).ToList();
        _table.Add((what + " max", series, "MB"));
        if (needsBothHalves && (first == 0 || second == 0))
            return new(scenario, $"{what}: 2nd half vs 1st", 0, "%",
                $"{samples.Count} samples, none in one half (after the first {warm.TotalMinutes:0.#} min): no criterion", Series: series);
        return first == 0
            ? new(scenario, $"{what}: 2nd half vs 1st", 0, "%", "too few samples", "≤ 110 %", false, series)
            : new(scenario, $"{what}: 2nd half vs 1st", second * 100 / first, "%",
                $"peak {first / 1048576:0} MB in the first half (after the first {warm.TotalMinutes:0.#} min), {second / 1048576:0} MB in the second",
                "≤ 110 %", second <= first * 1.1, series);
    }

    /// <summary>Stable latency per kind: the last window's p99 against the second window's (the first is the warm-up).</summary>
    public IEnumerable<Measurement> Latencies()
    {
        foreach (var kind in Kinds)
        {
            var mine = _samples.Where(s => s.Kind == kind).ToList();
            if (mine.Count == 0) continue;
            var perWindow = Enumerable.Range(0, windows).Select(w => mine.Where(s => WindowOf(s.At) == w).Select(s => s.Ms).ToList()).ToList();
            var p99 = perWindow.Select(l => SoakRecorder.Percentile(l, 99)).ToList();
            _table.Add((kind + " p99", p99, "ms"));
            var (reference, last) = (p99[1], p99[^1]);
            var detail = $"{mine.Count:N0} requests ({mine.Count / duration.TotalSeconds:0.##}/s), p50 {SoakRecorder.Percentile(mine.Select(s => s.Ms).ToList(), 50):0.0} ms; p99 per window " +
                         string.Join(" / ", p99.Select(v => v.ToString("0"))) + " ms";
            if (perWindow[1].Count < minSamplesForP99 || perWindow[^1].Count < minSamplesForP99)
            {
                yield return new(scenario, $"{kind}: p99, last window", last, "ms", detail + $" (under {minSamplesForP99} requests a window: no criterion)", Series: p99);
                continue;
            }
            var limit = 1.5 * reference + 10;
            yield return new(scenario, $"{kind}: p99, last window", last, "ms", detail, $"≤ 1.5 × {reference:0.0} + 10 = {limit:0.0} ms", last <= limit, p99);
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

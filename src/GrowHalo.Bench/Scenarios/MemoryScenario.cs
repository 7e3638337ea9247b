namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// Peak resident memory of the GrowHalo server process (the kernel's VmHWM, /proc/PID/status) during the batch and
/// projections scenarios; run alone, it runs those two first. "Must not grow with the backlog": the highest resident
/// set sampled in the first half of the million-event catch-up against the second half.
/// </summary>
public sealed class MemoryScenario : IScenario
{
    private const long Target = 400L * 1024 * 1024;
    public string Name => "memory";
    public string Description => "peak working set of the server process during batch and projections (target < 400 MB)";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var extra = new List<Measurement>();
        if (!context.Peaks.ContainsKey("batch")) extra.AddRange(await new BatchScenario().RunAsync(context, ct));
        if (!context.Peaks.ContainsKey("projections catch-up")) extra.AddRange(await new ProjectionsScenario().RunAsync(context, ct));
        var peaks = context.Peaks;
        var results = new List<Measurement>(extra);
        foreach (var phase in new[] { "batch", "projections catch-up" })
            results.Add(new(Name, $"server peak during {phase}", Mb(peaks[phase]), "MB", "VmHWM of the server process", "< 400 MB", peaks[phase] < Target));
        var first = peaks["projections catch-up, first half (sampled)"];
        var second = peaks["projections catch-up, second half (sampled)"];
        results.Add(first == 0
            ? new(Name, "catch-up: 2nd half vs 1st half", 0, "%", "the catch-up was too short to sample twice")
            : new(Name, "catch-up: 2nd half vs 1st half", second * 100.0 / first, "%",
                $"highest resident set sampled every 100 ms: {Mb(first):0} MB in the first half, {Mb(second):0} MB in the second",
                "no growth (≤ 110%)", second <= first * 1.1));
        return results;
    }

    private static double Mb(long bytes) => bytes / 1024.0 / 1024.0;
}

using GrowHalo.Bench.Server;

namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// `growhalo projections rebuild` (every projection, every tenant) over the 1,000,000-event history, as a user runs
/// it: a child process, timed from start to exit, with no server running beside it.
/// </summary>
public sealed class RebuildScenario : IScenario
{
    public string Name => "rebuild";
    public string Description => "seconds for `growhalo projections rebuild` over 1,000,000 events";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var history = await context.HistoryAsync(ct);
        var result = await GrowHaloCommand.RunAsync(history.Database.ConnectionString, ["projections", "rebuild"], ct);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"growhalo projections rebuild exited with {result.ExitCode}: {result.Output[^Math.Min(2000, result.Output.Length)..]}");
        context.RecordPeak("rebuild", result.PeakBytes);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return
        [
            new(Name, $"rebuild all projections, {history.Events:N0} events", result.Elapsed.TotalSeconds, "s",
                $"{history.Events / result.Elapsed.TotalSeconds:N0} events/s including process start; last line: {lines.LastOrDefault()}"),
        ];
    }
}

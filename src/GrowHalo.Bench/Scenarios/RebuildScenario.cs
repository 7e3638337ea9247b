using GrowHalo.Bench.Server;
using GrowHalo.Bench.Setup;

namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// `growhalo projections rebuild` (every projection, every tenant) over the 1,000,000-event history, as a user runs
/// it: a child process, timed from start to exit, with no server running beside it. A rebuild replays the events up
/// to where Marten's daemon stands (mt_event_progression), so a history no server has projected yet (this scenario
/// run alone) is projected by a server first, untimed.
/// </summary>
public sealed class RebuildScenario : IScenario
{
    public string Name => "rebuild";
    public string Description => "seconds for `growhalo projections rebuild` over 1,000,000 events";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var history = await context.HistoryAsync(ct);
        await ProjectAsync(context, history, ct);
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

    private static async Task ProjectAsync(BenchContext context, HistoryBacklog history, CancellationToken ct)
    {
        var db = history.Database.DataSource;
        var names = BenchStore.ServerProjections().Select(p => p.Name).ToList();
        var last = await BenchStore.LastSequenceAsync(db, ct);
        if (await BenchStore.SlowestProgressAsync(db, names, ct) >= last) return;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (var server = await GrowHaloServer.StartAsync("rebuild-projecting", history.Database.ConnectionString, ct: ct))
            await new ProjectionWatch(db, await ProjectionWatch.NamesAsync(server, ct)).WaitForAsync(last, TimeSpan.FromMinutes(30), ct, pollMs: 500);
        context.Log($"rebuild: the history projected first by a server (the rebuild replays up to the daemon's progress) in {clock.Elapsed.TotalSeconds:0} s");
    }
}

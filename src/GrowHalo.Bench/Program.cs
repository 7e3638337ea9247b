using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GrowHalo.Bench;
using Spectre.Console;

// dotnet run -c Release --project src/GrowHalo.Bench -- [all | SCENARIO ...] [--scale X] [--minutes N] [--out PATH] [--list]
var argList = args.ToList();
var outPath = Path.Combine("artifacts", "bench", "results.json");
var outAt = argList.IndexOf("--out");
if (outAt >= 0 && outAt + 1 < argList.Count) { outPath = argList[outAt + 1]; argList.RemoveRange(outAt, 2); }
var scale = 1.0;
var scaleAt = argList.IndexOf("--scale");
if (scaleAt >= 0)
{
    if (scaleAt + 1 >= argList.Count || !double.TryParse(argList[scaleAt + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out scale) || scale is <= 0 or > 10)
    {
        await Console.Error.WriteLineAsync("error: --scale takes a number between 0 and 10, e.g. --scale 0.1 for a tenth of the default sizes.");
        return 1;
    }
    argList.RemoveRange(scaleAt, 2);
}
double? minutes = null;
var minutesAt = argList.IndexOf("--minutes");
if (minutesAt >= 0)
{
    if (minutesAt + 1 >= argList.Count || !double.TryParse(argList[minutesAt + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var m) || m is < 0.5 or > 24 * 60)
    {
        await Console.Error.WriteLineAsync("error: --minutes takes a number of minutes between 0.5 and 1440, e.g. --minutes 1 for the soak's CI run.");
        return 1;
    }
    minutes = m;
    argList.RemoveRange(minutesAt, 2);
}
if (argList.Remove("--list") || argList.Contains("--help") || argList.Contains("-h"))
{
    Console.WriteLine("usage: growhalo-bench [all | SCENARIO ...] [--scale X] [--minutes N] [--out PATH]");
    Console.WriteLine("  all (the default) runs batch, webhook, projections, rebuild, queries and memory at scale 1 (1,000,000 events);");
    Console.WriteLine("  the others run by name. Results: a table, and artifacts/bench/results.json.");
    Console.WriteLine("  soak runs --minutes N (default 30) of mixed load at --scale times its default rates; it exits 1 when a criterion fails.");
    foreach (var s in ScenarioRegistry.All) Console.WriteLine($"  {s.Name,-12} {s.Description}");
    return 0;
}

IReadOnlyList<IScenario> selected;
try { selected = ScenarioRegistry.Select(argList); }
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return 1;
}

if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 200; // a log file gets the whole table, not 80 columns of it
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
await using var context = await BenchContext.StartAsync(m => AnsiConsole.MarkupLineInterpolated($"[grey]{m}[/]"), scale, minutes);
var started = DateTimeOffset.UtcNow;
var total = Stopwatch.StartNew();
var results = new List<Measurement>();
var criteria = new List<Measurement>();
foreach (var scenario in selected)
{
    AnsiConsole.MarkupLineInterpolated($"[bold]{scenario.Name}[/]: {scenario.Description}");
    var clock = Stopwatch.StartNew();
    var measured = await scenario.RunAsync(context, cancel.Token);
    results.AddRange(measured);
    if (scenario.TargetsAreCriteria) criteria.AddRange(measured.Where(r => r.Met == false));
    var dropped = await context.EndScenarioAsync(cancel.Token);
    AnsiConsole.MarkupLineInterpolated($"[grey]{scenario.Name} took {clock.Elapsed.TotalSeconds:0} s; dropped its {dropped} database(s)[/]");
}

var table = new Table().AddColumns("scenario", "case").AddColumn(new TableColumn("result").RightAligned()).AddColumns("unit", "target", "detail");
foreach (var r in results)
    table.AddRow(r.Scenario, Markup.Escape(r.Case), r.Value.ToString(r.Value < 100 ? "N1" : "N0"), Markup.Escape(r.Unit),
        r.Target is null ? "" : $"{Markup.Escape(r.Target)} {(r.Met == true ? "[green]met[/]" : "[red]missed[/]")}", Markup.Escape(r.Detail));
AnsiConsole.Write(table);
AnsiConsole.MarkupLineInterpolated($"{selected.Count} scenario(s) at scale {scale} in {total.Elapsed.TotalMinutes:0.0} min on {Environment.ProcessorCount} cores.");

var report = new
{
    started_at = started,
    minutes = Math.Round(total.Elapsed.TotalMinutes, 1),
    scale,
    machine = new { Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, dotnet = Environment.Version.ToString() },
    database = context.Server,
    results = results.Select(r => new { r.Scenario, r.Case, value = Math.Round(r.Value, 1), r.Unit, r.Target, r.Met, r.Detail,
        series = r.Series?.Select(v => Math.Round(v, 1)) }),
    failed_criteria = criteria.Select(r => $"{r.Scenario}: {r.Case}"),
};
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(report, new JsonSerializerOptions
{
    WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
}));
AnsiConsole.MarkupLineInterpolated($"Results written to [bold]{Path.GetFullPath(outPath)}[/]");
foreach (var failed in criteria)
    AnsiConsole.MarkupLineInterpolated($"[red]criterion failed[/]: {failed.Scenario} {failed.Case}: {failed.Value:0.0} {failed.Unit}, target {failed.Target}");
return criteria.Count == 0 ? 0 : 1;

using System.Text.Json;
using GrowHalo.Bench;
using Spectre.Console;

// dotnet run -c Release --project src/GrowHalo.Bench -- [all | SCENARIO ...] [--out PATH] [--list]
var argList = args.ToList();
var outPath = Path.Combine("artifacts", "bench", "results.json");
var outAt = argList.IndexOf("--out");
if (outAt >= 0 && outAt + 1 < argList.Count) { outPath = argList[outAt + 1]; argList.RemoveRange(outAt, 2); }
if (argList.Remove("--list") || argList.Contains("--help") || argList.Contains("-h"))
{
    Console.WriteLine("usage: growhalo-bench [all | SCENARIO ...] [--out PATH]   (default: all; results also go to artifacts/bench/results.json)");
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

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
await using var context = await BenchContext.StartAsync(m => AnsiConsole.MarkupLineInterpolated($"[grey]{m}[/]"));
var started = DateTimeOffset.UtcNow;
var results = new List<Measurement>();
foreach (var scenario in selected)
{
    AnsiConsole.MarkupLineInterpolated($"[bold]{scenario.Name}[/]: {scenario.Description}");
    results.AddRange(await scenario.RunAsync(context, cancel.Token));
}

var table = new Table().AddColumns("scenario", "case").AddColumn(new TableColumn("result").RightAligned()).AddColumns("unit", "detail");
foreach (var r in results) table.AddRow(r.Scenario, Markup.Escape(r.Case), r.Value.ToString("N0"), r.Unit, Markup.Escape(r.Detail));
AnsiConsole.Write(table);

var report = new
{
    started_at = started,
    machine = new { Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, dotnet = Environment.Version.ToString() },
    database = context.Server,
    results = results.Select(r => new { r.Scenario, r.Case, value = Math.Round(r.Value, 1), r.Unit, r.Detail }),
};
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(report, new JsonSerializerOptions
{
    WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
}));
AnsiConsole.MarkupLineInterpolated($"Results written to [bold]{Path.GetFullPath(outPath)}[/]");
return 0;

using System.CommandLine;
using GrowHalo.Platform.Events.Projections;
using Spectre.Console;

namespace GrowHalo.Cli;

internal static class ProjectionsCommand
{
    public static Command Create()
    {
        var command = new Command("projections", "Inspect and rebuild the projections that turn events into read models.");
        command.Subcommands.Add(Rebuild());
        command.Subcommands.Add(Status());
        return command;
    }

    private static Command Rebuild()
    {
        var projection = new Option<string?>("--projection") { Description = "Rebuild only this projection (default: all)." };
        var tenant = new Option<string?>("--tenant") { Description = "Rebuild only this tenant's rows (id or slug)." };
        var command = new Command("rebuild", "Replay events from the first one; safe while the server runs.") { projection, tenant };
        command.SetAction((parse, ct) => GrowHaloCli.WithServices(async (services, token) =>
        {
            var rebuilder = services.GetRequiredService<ProjectionRebuilder>();
            var tenantId = await TenantsCommand.ResolveAsync(services, parse.GetValue(tenant), token);
            var name = parse.GetValue(projection);
            var started = DateTime.UtcNow;
            if (Console.IsOutputRedirected) await RebuildWithLinesAsync(rebuilder, name, tenantId, token);
            else await RebuildWithBarsAsync(rebuilder, name, tenantId, token);
            Console.WriteLine($"Rebuild finished in {(DateTime.UtcNow - started).TotalSeconds:0.0} s.");
            return 0;
        }, ct));
        return command;
    }

    private static Task RebuildWithLinesAsync(ProjectionRebuilder rebuilder, string? name, string? tenantId, CancellationToken ct)
    {
        var lastPrinted = DateTime.MinValue;
        var progress = new SyncProgress(p =>
        {
            if (p.Processed != 0 && p.Processed != p.Total && DateTime.UtcNow - lastPrinted < TimeSpan.FromSeconds(1)) return;
            lastPrinted = DateTime.UtcNow;
            Console.WriteLine($"{p.Projection}: {p.Processed:N0} / {p.Total:N0} events");
        });
        return rebuilder.RebuildAsync(name, tenantId, progress, ct);
    }

    private static Task RebuildWithBarsAsync(ProjectionRebuilder rebuilder, string? name, string? tenantId, CancellationToken ct) =>
        AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var progress = new SyncProgress(p =>
                {
                    if (!tasks.TryGetValue(p.Projection, out var task)) tasks[p.Projection] = task = ctx.AddTask(p.Projection);
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Total == 0 ? 1 : p.Processed;
                });
                await rebuilder.RebuildAsync(name, tenantId, progress, ct);
            });

    private static Command Status()
    {
        var tenant = new Option<string?>("--tenant") { Description = "Count lag for this tenant only (id or slug)." };
        var command = new Command("status", "Show each projection's position, lag, failures and owner.") { tenant };
        command.SetAction((parse, ct) => GrowHaloCli.WithServices(async (services, token) =>
        {
            var tenantId = await TenantsCommand.ResolveAsync(services, parse.GetValue(tenant), token);
            var statuses = await services.GetRequiredService<ProjectionStatusQuery>().GetAsync(tenantId, token);
            string[] header = ["projection", "position", "lag (events)", "lag (s)", "failures", "owner", "last failure"];
            var rows = statuses.Select(s => new[]
            {
                s.Name, s.Position, s.LagEvents.ToString("N0"), s.LagSeconds.ToString("0.0"), s.Failures.ToString(),
                s.Owner ?? "none", (s.LastFailure ?? "").ReplaceLineEndings(" "),
            }).ToList();
            if (Console.IsOutputRedirected) WritePlain(header, rows);
            else
            {
                var table = new Table().AddColumns(header);
                foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
                AnsiConsole.Write(table);
            }
            return 0;
        }, ct));
        return command;
    }

    /// <summary>Piped or redirected: one line per row, never wrapped at a guessed width, so grep and scripts see whole names.</summary>
    private static void WritePlain(string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
            Console.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; a rebuild's reports must arrive in order.</summary>
    private sealed class SyncProgress(Action<RebuildProgress> report) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => report(value);
    }
}

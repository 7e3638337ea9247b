using GrowHalo.Platform.Events;
using GrowHalo.Platform.Events.Projections;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GrowHalo.Tests.Cli;

/// <summary><c>growhalo projections status|rebuild</c> run as a user would, output piped (so plain lines, no progress bar).</summary>
public sealed class ProjectionsCommandTests
{
    [Fact]
    public async Task status_prints_a_line_for_every_projection_the_app_has()
    {
        var cs = await ScratchDatabase.MigratedAsync();
        await using var services = AppServices.For(cs);

        var result = await GrowHaloProcess.RunAsync(cs, "projections", "status");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("projection", lines[0]);
        foreach (var name in services.GetRequiredService<ProjectionRebuilder>().Names)
            Assert.Single(lines, l => l.StartsWith(name + " ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task rebuild_replays_every_event_and_reports_progress_as_plain_lines()
    {
        var cs = await ScratchDatabase.MigratedAsync();
        await using var services = AppServices.For(cs);
        await services.GetRequiredService<GrowHalo.Platform.Events.EventAppender>().AppendAsync("t-acme", [.. Enumerable.Range(0, 40).Select(i =>
            GrowHalo.Tests.Modeling.SourceRecords.Event("t-acme", $"shopify:order:{i}", $"k{i}", GrowHalo.Ingestion.SourceEventTypes.ShopifyOrder, System.Text.Json.JsonSerializer.SerializeToElement(new { id = i })))]);

        var result = await GrowHaloProcess.RunAsync(cs, "projections", "rebuild", "--projection", "ingest_activity");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ingest_activity: 0 / 40 events", result.Stdout);
        Assert.Contains("ingest_activity: 40 / 40 events", result.Stdout);
        Assert.Contains("Rebuild finished", result.Stdout);
        Assert.DoesNotContain('\u001b', result.Stdout);
        await using var cmd = services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "select events from ingest_activity where tenant_id = 't-acme' and source = 'shopify'");
        Assert.Equal(40L, await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task rebuilding_an_unknown_projection_fails_and_names_the_known_ones()
    {
        var cs = await ScratchDatabase.MigratedAsync();
        await using var services = AppServices.For(cs);

        var result = await GrowHaloProcess.RunAsync(cs, "projections", "rebuild", "--projection", "nope");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("'nope'", result.Stderr);
        foreach (var name in services.GetRequiredService<ProjectionRebuilder>().Names) Assert.Contains(name, result.Stderr);
    }
}

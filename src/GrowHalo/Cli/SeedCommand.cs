using System.CommandLine;
using GrowHalo.Platform;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Simulator.Demo;
using GrowHalo.Simulator.Live;
using GrowHalo.Simulator.Seeding;
using GrowHalo.Simulator.World;
using Spectre.Console;

namespace GrowHalo.Cli;

internal static class SeedCommand
{
    public static Command Create()
    {
        var days = new Option<int>("--days") { Description = "Days of history to generate.", DefaultValueFactory = _ => 90 };
        var tenant = new Option<string>("--tenant") { Description = "Tenant id or slug to seed (created when it does not exist).", DefaultValueFactory = _ => DemoSetup.Slug };
        var command = new Command("seed", "Load a simulated brand's history (Shopify orders, customers, products, checkouts; Meta and Google spend) through the batch API.") { days, tenant };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(tenant)!, parse.GetValue(days), ct));
        return command;
    }

    private static async Task<int> RunAsync(string tenantName, int days, CancellationToken ct)
    {
        if (days is < 1 or > 730) { await Console.Error.WriteLineAsync("error: --days must be between 1 and 730."); return 1; }
        // A private server on a free loopback port: the records go through the same HTTP, validation and append code as any client's.
        var port = Platform.Database.LocalPostgres.FreePort();
        await using var app = GrowHaloHost.BuildWebApplication([$"--urls=http://127.0.0.1:{port}", "--Polling:Enabled=false"]);
        await app.StartAsync(ct);
        try
        {
            var services = app.Services;
            var tenants = services.GetRequiredService<TenantStore>();
            var tenant = await tenants.FindAsync(tenantName, ct)
                ?? await tenants.CreateAsync(tenantName == DemoSetup.Slug ? "Halo Goods (demo)" : tenantName, Tenant0Slug(tenantName), DemoSetup.TimeZone, "USD", ct);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, tenant.Zone).DateTime);
            var worlds = services.GetRequiredService<SimWorldStore>();
            var row = await worlds.GetOrCreateAsync(tenant.Id, 42, today.AddDays(-days), tenant.TimeZone, ct);
            var key = await services.GetRequiredService<ApiKeyStore>().CreateAsync(tenant.Id, [Scopes.Ingest], "seed", now.AddHours(2), ct);
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            var result = await SeedAsync(new HistorySeeder(row.Open(), new BatchClient(http, $"http://127.0.0.1:{port}", key.RawKey)), now, ct);
            await services.GetRequiredService<ApiKeyStore>().RevokeAsync(tenant.Id, key.Info.Id, ct);
            if (result.Problems.Count > 0) return 1;
            await worlds.MarkSeededAsync(tenant.Id, now, ct);
            Console.WriteLine($"Tenant {tenant.Slug} ({tenant.Id}) holds the simulated brand from {row.FirstDay:yyyy-MM-dd}.");
            return 0;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    private static string? Tenant0Slug(string name) => name.StartsWith("tn_", StringComparison.Ordinal) ? null : TenantRules.Slugify(name);

    /// <summary>Seeds with a progress bar on a terminal and a line every few seconds otherwise; prints what GrowHalo answered.</summary>
    public static async Task<SeedResult> SeedAsync(HistorySeeder seeder, DateTimeOffset asOf, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        SeedResult result;
        if (Console.IsOutputRedirected)
        {
            var last = DateTime.MinValue;
            result = await seeder.SeedAsync(asOf, new SyncProgress(p =>
            {
                if (p.Stage != "done" && DateTime.UtcNow - last < TimeSpan.FromSeconds(2)) return;
                last = DateTime.UtcNow;
                Console.WriteLine($"Seeding {p.Stage}: {p.Done:N0} / {p.Total:N0} records");
            }), ct);
        }
        else
        {
            result = null!;
            await AnsiConsole.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask("Seeding 90 days of history");
                    result = await seeder.SeedAsync(asOf, new SyncProgress(p =>
                    {
                        task.Description = $"Seeding {p.Stage}";
                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = p.Done;
                    }), ct);
                });
        }
        Console.WriteLine($"Seeded {result.Sent:N0} records in {(DateTime.UtcNow - started).TotalSeconds:0.0} s: " +
                          $"{result.Accepted:N0} new events, {result.Duplicates:N0} already stored, {result.Rejected:N0} rejected.");
        foreach (var problem in result.Problems) Console.Error.WriteLine($"  problem: {problem}");
        return result;
    }

    private sealed class SyncProgress(Action<SeedProgress> report) : IProgress<SeedProgress>
    {
        public void Report(SeedProgress value) => report(value);
    }
}

using System.CommandLine;
using System.Diagnostics;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Platform;
using GrowHalo.Platform.Accounts;
using GrowHalo.Platform.Database;
using GrowHalo.Simulator.Demo;
using GrowHalo.Simulator.Live;
using GrowHalo.Simulator.Seeding;
using GrowHalo.Simulator.StandIns;

namespace GrowHalo.Cli;

/// <summary>
/// `growhalo demo`: the local database, a demo brand with 90 days of history loaded through the batch API, the
/// server with its projection daemon, polling and dashboard, the stand-in platform APIs and a live pusher. Ctrl-C
/// stops all of it, the local PostgreSQL too. Run again, it reuses the brand and its data.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "GrowHalo's HTTP port.", DefaultValueFactory = _ => 5080 };
        var simulatorPort = new Option<int>("--simulator-port") { Description = "Port of the stand-in Shopify/Meta/Google APIs.", DefaultValueFactory = _ => 5081 };
        var days = new Option<int>("--days") { Description = "Days of history for a new demo brand.", DefaultValueFactory = _ => 90 };
        var rate = new Option<double>("--rate") { Description = "Live orders a minute.", DefaultValueFactory = _ => 6 };
        var command = new Command("demo", "Run GrowHalo with a simulated brand: 90 days of history, live orders and ad spend, dashboard.") { port, simulatorPort, days, rate };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(port), parse.GetValue(simulatorPort), parse.GetValue(days), parse.GetValue(rate), ct));
        return command;
    }

    private static async Task<int> RunAsync(int port, int simulatorPort, int days, double rate, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var url = $"http://localhost:{port}";
        Console.WriteLine("Starting the GrowHalo demo (Ctrl-C stops everything)…");
        // The demo prints its own lines; the server's per-request lines would bury them (GROWHALO_LOG_LEVEL=Information brings them back).
        if (Environment.GetEnvironmentVariable("GROWHALO_LOG_LEVEL") is null) Environment.SetEnvironmentVariable("GROWHALO_LOG_LEVEL", "Warning");
        var standInUrl = $"http://127.0.0.1:{simulatorPort}";
        // The demo's Shopify app: its shops are played by the stand-in (real deployments configure a real app).
        // Its connections poll the stand-in APIs on 127.0.0.1, which real deployments refuse (docs/security.md).
        await using var app = GrowHaloHost.BuildWebApplication([$"--urls={url}", "--Polling:Tick=00:00:05", "--Connections:AllowStandInHosts=true",
            $"--ShopifyApp:ClientId={DemoSetup.AppClientId}", $"--ShopifyApp:AppUrl={url}", "--ShopifyApp:AllowStandInShops=true",
            $"--ShopifyApp:StandInUrl={standInUrl}", $"--ShopifyApp:PollingIntervalSeconds={DemoSetup.PollingSeconds}"]);
        var appSecret = DemoSetup.AppClientSecret(app.Services.GetRequiredService<SecretBox>());
        app.Configuration["ShopifyApp:ClientSecret"] = appSecret; // in memory only, before anything reads the app's options
        try
        {
            // Database and demo brand first, then the stand-in APIs, then the server: its pollers find the stand-ins up.
            await app.Services.GetRequiredService<Migrator>().MigrateAsync(ct);
            var session = await app.Services.GetRequiredService<DemoSetup>().PrepareAsync(standInUrl, days, ct);
            await File.WriteAllTextAsync(DemoFiles.ApiKeyPath, session.ApiKey + Environment.NewLine, ct);
            var shop = session.World.Options.ShopDomain;
            var demoPassword = await app.Services.GetRequiredService<DemoUser>().EnsureAsync(session.Tenant.Id, ct);
            await using var standIns = await StandInServer.StartAsync(new StandInState(session.World, TimeProvider.System,
                new StandInOptions { ShopDomain = shop, AppClientId = DemoSetup.AppClientId, AppClientSecret = appSecret }), simulatorPort, ct);
            if (!await StartServerAsync(app, url, ct)) return 1;
            Console.WriteLine($"Server up on {url}, database migrated, stand-in APIs on {standInUrl} ({clock.Elapsed.TotalSeconds:0.0} s).");
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            var batches = new BatchClient(http, url, session.ApiKey);
            var now = DateTimeOffset.UtcNow;
            if (session.Seeded)
                Console.WriteLine($"Reusing the demo brand seeded on {session.WorldRow.SeededAt:yyyy-MM-dd HH:mm} UTC; polling fills in what happened since.");
            else
            {
                var result = await SeedCommand.SeedAsync(new HistorySeeder(session.World, batches), now, ct);
                if (result.Problems.Count > 0) return 1;
                await app.Services.GetRequiredService<SimWorldStore>().MarkSeededAsync(session.Tenant.Id, now, ct);
            }
            // The shop connects by installing the app (OAuth against the stand-in): token, webhooks, first sync.
            var landing = await DemoInstall.InstallShopifyAsync(url, session.ApiKey, shop, ct);
            Console.WriteLine($"Installed the Shopify app on {shop} (OAuth against the stand-in) → {url}{landing}");
            PrintWhereToLook(url, standInUrl, session, demoPassword, clock.Elapsed);
            // An installed app's webhooks are signed with the app's client secret, as Shopify does.
            var pusher = new LivePusher(session.World, new ShopifyWebhookClient(http, url, shop, appSecret),
                batches, TimeProvider.System, new LivePusherOptions { OrdersPerMinute = rate });
            await pusher.RunAsync(r => Console.WriteLine($"live  {r}"), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        Console.WriteLine("Stopping the server, the simulator and the local database…");
        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    private static async Task<bool> StartServerAsync(WebApplication app, string url, CancellationToken ct)
    {
        try
        {
            await app.StartAsync(ct);
            return true;
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"error: cannot listen on {url} ({e.Message}). Is another demo running? Pick another port with --port.");
            return false;
        }
    }

    private static void PrintWhereToLook(string url, string standInUrl, DemoSession s, string demoPassword, TimeSpan elapsed)
    {
        var lines = new[]
        {
            "",
            $"GrowHalo demo is running ({elapsed.TotalSeconds:0} s to get here).",
            "",
            $"  Tenant      {s.Tenant.Name} ({s.Tenant.Slug}, {s.Tenant.Id}), time zone {s.Tenant.TimeZone}",
            $"  API key     {s.ApiKey}   (also written to {DemoFiles.ApiKeyPath})",
            $"  Dashboard   {url}/dashboard/sign-in?key={s.ApiKey}",
            $"  Sign in     {url}/dashboard  as {DemoUser.Email} / {demoPassword}   (owner; a new password each run)",
            $"  API docs    {url}/openapi/v1.json",
            $"  Stand-ins   {standInUrl}  (Shopify Admin API, Meta insights, Google Ads; polled every {DemoSetup.PollingSeconds} s)",
            "",
            "  Try:",
            $"    curl -s -H \"x-api-key: $(cat .api_key)\" '{url}/api/v1/metrics/summary?period=last_30_days'",
            $"    curl -s -H \"x-api-key: $(cat .api_key)\" '{url}/api/v1/metrics/ad-spend?group_by=source'",
            $"    curl -s -H \"x-api-key: $(cat .api_key)\" '{url}/api/v1/ingest/status'",
            "    dotnet run --project src/GrowHalo -- simulate webhook      # one signed Shopify webhook, and the answer",
            "",
            "Live orders arrive as signed Shopify webhooks every few seconds; ad spend is restated every minute.",
            "",
        };
        foreach (var line in lines) Console.WriteLine(line);
    }
}

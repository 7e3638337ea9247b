using System.CommandLine;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Simulator.Demo;
using GrowHalo.Simulator.Live;
using GrowHalo.Simulator.StandIns;
using GrowHalo.Simulator.World;

namespace GrowHalo.Cli;

internal static class SimulateCommand
{
    private sealed record Target(SimWorld World, ShopifyWebhookClient Webhooks, BatchClient Batches);

    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "The running GrowHalo.", DefaultValueFactory = _ => "http://localhost:5080" };
        var key = new Option<string?>("--api-key") { Description = "An ingest-scope key (default: the .api_key file the demo writes)." };
        var tenant = new Option<string>("--tenant") { Description = "Tenant id or slug holding the simulated brand.", DefaultValueFactory = _ => DemoSetup.Slug };
        var rate = new Option<double>("--rate") { Description = "New orders a minute.", DefaultValueFactory = _ => 6 };
        var port = new Option<int>("--port") { Description = "Port of the stand-in Shopify/Meta/Google APIs (0: none).", DefaultValueFactory = _ => 5081 };
        var command = new Command("simulate", "Run the stand-in platform APIs and push live orders (signed Shopify webhooks) and restated ad spend (batch API) to a running GrowHalo.")
            { url, key, tenant, rate, port };
        command.SetAction((parse, ct) => GrowHaloCli.WithServices(async (services, token) =>
        {
            var target = await TargetAsync(services, parse.GetValue(url)!, parse.GetValue(key), parse.GetValue(tenant)!, token);
            StandInServer? standIns = null;
            if (parse.GetValue(port) > 0)
            {
                try { standIns = await StandInServer.StartAsync(new StandInState(target.World, TimeProvider.System), parse.GetValue(port), token); }
                catch (IOException e) { Console.WriteLine($"Stand-in APIs not started ({e.Message}); pushing only."); }
            }
            await using var _ = standIns;
            if (standIns is not null) Console.WriteLine($"Stand-in APIs: {standIns.BaseUrl} (Shopify /admin/api/2024-10, Meta /v19.0, Google /v17)");
            Console.WriteLine($"Pushing to {parse.GetValue(url)} about {parse.GetValue(rate)} order(s) a minute; Ctrl-C stops.");
            var pusher = new LivePusher(target.World, target.Webhooks, target.Batches, TimeProvider.System, new LivePusherOptions { OrdersPerMinute = parse.GetValue(rate) });
            try { await pusher.RunAsync(r => Console.WriteLine(r), token); }
            catch (OperationCanceledException) { }
            return 0;
        }, ct));

        var webhook = new Command("webhook", "Send one signed Shopify orders/create webhook and print GrowHalo's answer.") { url, key, tenant };
        webhook.SetAction((parse, ct) => GrowHaloCli.WithServices(async (services, token) =>
        {
            var target = await TargetAsync(services, parse.GetValue(url)!, parse.GetValue(key), parse.GetValue(tenant)!, token);
            var pusher = new LivePusher(target.World, target.Webhooks, target.Batches, TimeProvider.System, new LivePusherOptions());
            var delivery = await pusher.SendOneOrderAsync(token);
            Console.WriteLine($"POST {parse.GetValue(url)}/api/v1/ingest/webhook/shopify  (X-Shopify-Topic: {delivery.Topic}, order {delivery.RecordId})");
            Console.WriteLine($"{delivery.Status}");
            Console.WriteLine(delivery.Body);
            return delivery.Status is >= 200 and < 300 ? 0 : 1;
        }, ct));
        command.Subcommands.Add(webhook);
        return command;
    }

    /// <summary>The tenant's simulated brand, and clients signed with its Shopify connection's secret and an API key.</summary>
    private static async Task<Target> TargetAsync(IServiceProvider services, string url, string? key, string tenantName, CancellationToken ct)
    {
        var tenant = await services.GetRequiredService<TenantStore>().FindAsync(tenantName, ct)
            ?? throw new ArgumentException($"No tenant '{tenantName}'. Run `growhalo demo` (or `growhalo seed`) first.");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, tenant.Zone).DateTime);
        var world = (await services.GetRequiredService<SimWorldStore>().GetOrCreateAsync(tenant.Id, 42, today.AddDays(-90), tenant.TimeZone, ct)).Open();
        var connections = services.GetRequiredService<ConnectionStore>();
        var shopify = (await connections.ListAsync(tenant.Id, ct)).FirstOrDefault(c => c.Enabled && c.Source == "shopify" && c.ExternalAccountId == world.Options.ShopDomain)
            ?? throw new ArgumentException($"Tenant {tenant.Slug} has no Shopify connection for {world.Options.ShopDomain} to sign webhooks with. Run `growhalo demo` first.");
        // A shop the demo installed through the app has no secret of its own: its webhooks are signed with the demo app's.
        var secret = await connections.SecretAsync(shopify.TenantId, shopify.Id, Secret.Webhook, ct)
            ?? DemoSetup.AppClientSecret(services.GetRequiredService<SecretBox>());
        key ??= File.Exists(DemoFiles.ApiKeyPath) ? (await File.ReadAllTextAsync(DemoFiles.ApiKeyPath, ct)).Trim() : null;
        if (string.IsNullOrEmpty(key)) throw new ArgumentException("No API key: pass --api-key or run from the folder where `growhalo demo` wrote .api_key.");
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return new Target(world, new ShopifyWebhookClient(http, url, world.Options.ShopDomain, secret), new BatchClient(http, url, key));
    }
}

using System.Text.RegularExpressions;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Simulator.StandIns;
using GrowHalo.Simulator.World;
using GrowHalo.Tests.Simulator;
using static Microsoft.Playwright.Assertions;

namespace GrowHalo.Tests.Dashboard.Browser;

/// <summary>"Sync now" in the Ingestion panel: a progress bar fed by the run's event stream, kept across a reload.</summary>
[Collection(DashboardBrowserCollection.Name)]
public sealed class SyncNowTests(DashboardServer server)
{
    [Fact]
    public async Task sync_now_shows_progress_that_survives_a_reload_and_then_completed()
    {
        var now = server.Service<TimeProvider>().GetUtcNow();
        var world = new SimWorld(new WorldOptions(), DateOnly.FromDateTime(now.UtcDateTime).AddDays(-20));
        await using var standIns = await StandInServer.StartAsync(new StandInState(world, new ManualTime(now), new StandInOptions { BucketSize = 10_000 }));
        var brand = await server.CreateTenantAsync("Sync now", Scopes.Read, Scopes.Admin);
        var connections = server.Service<ConnectionStore>();
        foreach (var other in await OtherShopConnectionsAsync(world.Options.ShopDomain))
            await connections.UpdateAsync(other.Tenant, other.Id, new ConnectionPatch(Enabled: false));
        var shop = await connections.CreateAsync(brand.Tenant.Id, new ConnectionSettings("shopify", world.Options.ShopDomain, "Halo store",
            standIns.BaseUrl, PollingEnabled: false, 900, null, "token"));
        // The 4 count requests and the products page go through; the customers' first page waits until released.
        standIns.State.Faults.HoldAfter(StandInApi.ShopifyRest, afterRequests: 5);
        try
        {
            await using var browser = await server.OpenAsync();
            await browser.SignInAsync(brand.Key);
            var cell = browser.Page.Locator($"[data-sync-for='{shop.Id}']");
            await cell.Locator("button.sync-now").ClickAsync();
            // A dashboard session only reads: the page asks for an admin key, once.
            await browser.Page.Locator("#sync-admin-key").FillAsync(brand.Key);
            await browser.Page.Locator("#sync-key-form button[type=submit]").ClickAsync();

            var progress = cell.Locator(".sync-progress");
            var moving = new Regex(@"^\d+(\.\d)?% · products page 1$");
            await Expect(progress.Locator(".sync-words")).ToHaveTextAsync(moving);
            await Expect(progress).ToHaveAttributeAsync("data-state", "running");
            await Expect(cell.Locator("button.sync-now")).ToBeDisabledAsync();
            await browser.ScreenshotAsync("sync-now-progress");

            await browser.Page.ReloadAsync();
            await Expect(progress.Locator(".sync-words")).ToHaveTextAsync(moving); // found again through GET /api/v1/sync?active=true

            standIns.State.Faults.Release();
            await Expect(progress.Locator(".sync-words")).ToHaveTextAsync(new Regex(@"^Completed · [\d,]+ fetched, [\d,]+ new$"), new() { Timeout = 30_000 });
            await Expect(progress).ToHaveAttributeAsync("data-state", "completed");
            await Expect(cell.Locator("button.sync-now")).ToBeEnabledAsync();
            Assert.Empty(browser.Problems);
        }
        finally
        {
            standIns.State.Faults.Release();
        }
    }

    private async Task<List<(string Tenant, string Id)>> OtherShopConnectionsAsync(string shop)
    {
        await using var cmd = server.Service<Npgsql.NpgsqlDataSource>().CreateCommand(
            "select tenant_id, id from ingest_connections where source = 'shopify' and external_account_id = $1 and enabled");
        cmd.Parameters.Add(new() { Value = shop });
        var found = new List<(string, string)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) found.Add((reader.GetString(0), reader.GetString(1)));
        return found;
    }
}

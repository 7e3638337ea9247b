using System.Text.Json.Nodes;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Polling;
using GrowHalo.Tests.Dashboard.Live;
using static Microsoft.Playwright.Assertions;

namespace GrowHalo.Tests.Dashboard.Browser;

/// <summary>The Ingestion panel says where each connection's sync stands in words, from the real status API.</summary>
[Collection(DashboardBrowserCollection.Name)]
public sealed class IngestionCursorTests(DashboardServer server)
{
    [Fact]
    public async Task each_connection_says_how_far_it_has_synced_and_when_it_is_tried_next()
    {
        var brand = await server.CreateTenantAsync("Syncing");
        await server.Events.AppendAsync(brand.Tenant.Id, [SampleEvents.ShopifyOrder(brand.Tenant.Id, 1, DateTimeOffset.UtcNow, 10m, "c-1")]);
        var connections = server.Service<ConnectionStore>();
        var cursors = server.Service<PollCursorStore>();
        // Polling stays off, so the server's poller leaves these cursors as the test places them.
        var shop = await connections.CreateAsync(brand.Tenant.Id, new ConnectionSettings("shopify", "halo-skin.myshopify.com", "Halo store", null, false, 900, null, null));
        var meta = await connections.CreateAsync(brand.Tenant.Id, new ConnectionSettings("meta", "act_1001", "Meta ads", null, false, 900, null, null));
        await connections.CreateAsync(brand.Tenant.Id, new ConnectionSettings("google", "123-456-7890", "Google webhooks", null, false, 900, null, null));

        var now = server.Service<TimeProvider>().GetUtcNow();
        var syncedAt = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(-10);
        var stamp = syncedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        await cursors.PlaceAsync(brand.Tenant.Id, shop.Id, new JsonObject
        {
            ["orders"] = new JsonObject { ["updated_at_min"] = stamp },
            ["customers"] = new JsonObject { ["updated_at_min"] = syncedAt.AddMinutes(5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), ["page_info"] = "abc" },
        }, default);
        await cursors.RecordSuccessAsync(brand.Tenant.Id, shop.Id, TimeSpan.FromMinutes(10), default);
        await cursors.PlaceAsync(brand.Tenant.Id, meta.Id, new JsonObject { ["synced_through"] = "2026-03-12", ["chunk"] = new JsonObject { ["since"] = "2026-03-13", ["until"] = "2026-03-26" } }, default);
        await cursors.RecordFailureAsync(brand.Tenant.Id, meta.Id, "Token expired", new PollingOptions(), default);
        await cursors.RecordFailureAsync(brand.Tenant.Id, meta.Id, "Token expired", new PollingOptions(), default);

        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        var rows = browser.Page.Locator("#connections tbody tr");
        await Expect(rows).ToHaveCountAsync(3);

        var shopSync = rows.Nth(0).Locator("[data-field='cursor']");
        var shown = syncedAt.UtcDateTime.ToString("MMM d, HH:mm", PageProbe.EnUs);
        await Expect(shopSync).ToContainTextAsync($"synced through {shown}"); // the oldest resource's point: everything before it is in
        await Expect(shopSync).ToContainTextAsync("loading customers page by page");
        await Expect(shopSync).ToContainTextAsync("last success just now");
        await Expect(shopSync).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"next attempt in (9|10) min$"));

        var metaSync = rows.Nth(1).Locator("[data-field='cursor']");
        await Expect(metaSync).ToContainTextAsync("synced through Mar 12, 2026, loading Mar 13, 2026 – Mar 26, 2026");
        await Expect(metaSync).ToContainTextAsync("2 failed attempts in a row");
        await Expect(metaSync).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"next attempt in \d+ (s|min)$"));
        await Expect(rows.Nth(1)).ToContainTextAsync("Token expired");

        await Expect(rows.Nth(2).Locator("[data-field='cursor']")).ToHaveTextAsync("not polled (webhooks and batches only)");
        Assert.DoesNotContain("{", await browser.Page.Locator("#connections").InnerTextAsync()); // words, not JSON
        await browser.ScreenshotAsync("ingestion-sync-words");
        Assert.Empty(browser.Problems);
    }
}

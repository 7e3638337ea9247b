using System.Text.Json;
using GrowHalo.Ingestion;
using GrowHalo.Platform.Events;
using GrowHalo.Platform.Tenancy;
using Microsoft.Playwright;
using static GrowHalo.Tests.Dashboard.Browser.PageProbe;
using static GrowHalo.Tests.Dashboard.Browser.CustomerPages;
using static Microsoft.Playwright.Assertions;

namespace GrowHalo.Tests.Dashboard.Browser;

/// <summary>
/// A customer's page and timeline, churn, segments and checkouts against the real server over the seeded brand: what
/// the page shows must be what the API answers (<see cref="CustomerPagesContractTests"/> checks the rendering of odd
/// answers).
/// </summary>
[Collection(DashboardBrowserCollection.Name)]
public sealed class CustomerApiPagesTests(DashboardServer server)
{
    /// <summary>A Shopify checkout as ingestion stores it (the record verbatim); completed ones were recovered by an order.</summary>
    private static NewEvent Checkout(string tenantId, long id, DateTimeOffset createdAt, decimal total, string customerId, DateTimeOffset? completedAt)
    {
        var updated = (completedAt ?? createdAt).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var payload = EventJson.ToElement(new
        {
            id, token = $"tok{id}", cart_token = $"cart{id}", email = $"{customerId}@example.com",
            created_at = createdAt.ToString("yyyy-MM-ddTHH:mm:ssZ"), updated_at = updated,
            completed_at = completedAt?.ToString("yyyy-MM-ddTHH:mm:ssZ"), currency = "USD",
            total_price = total.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
            abandoned_checkout_url = $"https://halo-skin.myshopify.com/checkouts/tok{id}/recover",
            customer = new { id = customerId, email = $"{customerId}@example.com" },
        });
        return NewEvent.Create(tenantId, $"shopify:checkout:{id}", $"checkouts:{id}:{updated}",
            SourceRecordReceived.Create(SourceEventTypes.ShopifyCheckout, "shopify", Channels.Batch, null, createdAt, null, payload));
    }

    [Fact]
    public async Task a_customer_opened_from_the_list_shows_the_api_profile_and_timeline()
    {
        var brand = await SeededBrandAsync(server, "Profile");
        var top = (await GetAsync(brand.Api, "/api/v1/customers?limit=1")).GetProperty("data")[0];
        var key = top.GetProperty("customer_key").GetString()!;
        var customer = await GetAsync(brand.Api, $"/api/v1/customers/{Uri.EscapeDataString(key)}");
        var timeline = (await GetAsync(brand.Api, $"/api/v1/customers/{Uri.EscapeDataString(key)}/timeline")).GetProperty("data");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        await OpenPageAsync(browser, "customers", "/api/v1/customers");
        var page = browser.Page;

        await page.Locator($"#customers-table a[data-customer='{key}']").ClickAsync();
        await Expect(page.Locator("#customer-name")).ToHaveTextAsync(customer.GetProperty("email").GetString()!);
        await Expect(page.Locator("#customer-detail [data-field='lifetime_revenue'] dd")).ToHaveTextAsync(Number(customer, "lifetime_revenue")!.Value.ToString("C2", EnUs));
        await Expect(page.Locator("#customer-detail [data-field='orders_count'] dd")).ToHaveTextAsync(Number(customer, "orders_count")!.Value.ToString("N0", EnUs));
        await Expect(page.Locator("#customer-timeline li")).ToHaveCountAsync(timeline.GetArrayLength());
        Assert.True(timeline.GetArrayLength() >= Number(customer, "orders_count"), "every counted order is on the timeline");
        await Expect(page.Locator("#customer-timeline li").First).ToHaveAttributeAsync("data-kind", timeline[0].GetProperty("kind").GetString()!);
        await browser.ScreenshotAsync("customer-page");
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task the_churn_page_shows_the_distribution_at_risk_revenue_and_customers_the_api_returns()
    {
        var brand = await SeededBrandAsync(server, "Churn");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        var answer = await OpenPageAsync(browser, "churn", "/api/v1/analytics/churn");
        var page = browser.Page;

        foreach (var status in new[] { "active", "at_risk", "lost" })
            await Expect(page.Locator($"[data-stat='{status}'] .stat-value")).ToContainTextAsync(
                answer.GetProperty("distribution").GetProperty(status).GetInt64().ToString("N0", EnUs));
        await Expect(page.Locator("[data-stat='at_risk_revenue'] .stat-value")).ToHaveTextAsync(Number(answer, "at_risk_revenue")!.Value.ToString("C2", EnUs));
        var rows = answer.GetProperty("data").GetArrayLength();
        if (rows > 0) await Expect(page.Locator("#churn-customers tbody tr")).ToHaveCountAsync(rows);
        if (answer.GetProperty("trusted").GetBoolean()) await Expect(page.Locator("#churn-untrusted")).ToHaveCountAsync(0);
        else await Expect(page.Locator("#churn-untrusted")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("churn");
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task with_an_admin_key_a_segment_is_built_saved_listed_with_its_members_and_exported_and_a_bad_one_is_explained()
    {
        var brand = await SeededBrandAsync(server, "Segments", Scopes.Read, Scopes.Admin);
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        await OpenPageAsync(browser, "segments", "/api/v1/segments");
        var page = browser.Page;
        await Expect(page.Locator("#segment-readonly")).ToBeVisibleAsync();
        await Expect(page.Locator("#save-segment")).ToBeDisabledAsync();

        await page.Locator("#segment-admin-key").FillAsync(brand.Key);
        await page.Locator("#segment-unlock button").ClickAsync();
        await Expect(page.Locator("#save-segment")).ToBeEnabledAsync();
        await page.Locator("#segment-name").FillAsync("Frequent buyers");
        await page.Locator("#segment-conditions li").First.Locator(".cond-value").FillAsync("4");
        await page.Locator("#save-segment").ClickAsync();

        await Expect(page.Locator("#segment-title")).ToHaveTextAsync("Segment: Frequent buyers");
        await Expect(page.Locator("#segment-list [data-segment-id]")).ToHaveCountAsync(1);
        var id = await page.Locator("#segment-list [data-segment-id]").First.GetAttributeAsync("data-segment-id");
        var members = (await GetAsync(brand.Api, $"/api/v1/segments/{id}/members?limit=50")).GetProperty("data");
        var expected = (await GetAsync(brand.Api, "/api/v1/customers?sort=orders_count&order=desc&limit=200")).GetProperty("data")
            .EnumerateArray().Count(c => c.GetProperty("orders_count").GetInt32() >= 4);
        Assert.Equal(expected, members.GetArrayLength());
        await Expect(page.Locator("#segment-members-table tbody tr")).ToHaveCountAsync(members.GetArrayLength());

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-csv").ClickAsync());
        var lines = (await File.ReadAllLinesAsync((await download.PathAsync())!)).Where(l => l.Length > 0).ToArray();
        Assert.Equal(expected + 1, lines.Length); // a header and a line per member
        Assert.Contains("customer_key", lines[0]);

        await page.Locator("#new-segment").ClickAsync();
        await page.Locator("#save-segment").ClickAsync(); // no name
        await Expect(page.Locator("#segment-errors")).ToBeVisibleAsync();
        await Expect(page.Locator("#segment-errors [data-field='name']")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("segments");
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task the_checkouts_page_shows_the_figures_funnel_and_checkouts_the_api_returns()
    {
        var brand = await SeededBrandAsync(server, "Checkouts");
        var now = server.Service<TimeProvider>().GetUtcNow();
        await server.Events.AppendAsync(brand.Tenant.Id,
        [
            Checkout(brand.Tenant.Id, 501, now.AddDays(-3), 80.50m, "c-1", null),
            Checkout(brand.Tenant.Id, 502, now.AddDays(-2), 45.00m, "c-2", null),
            Checkout(brand.Tenant.Id, 503, now.AddDays(-4), 99.00m, "c-3", now.AddDays(-1)),
        ]);
        await server.WaitForProjectionsAsync();
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        var answer = await OpenPageAsync(browser, "checkouts", "/api/v1/analytics/checkouts");
        var page = browser.Page;

        Assert.True(answer.GetProperty("started").GetInt64() >= 3, answer.ToString());
        foreach (var stat in new[] { "started", "abandoned", "recovered" })
            await Expect(page.Locator($"[data-stat='{stat}'] .stat-value")).ToHaveTextAsync(answer.GetProperty(stat).GetInt64().ToString("N0", EnUs));
        await Expect(page.Locator("[data-stat='abandoned_value'] .stat-value")).ToHaveTextAsync(Number(answer, "abandoned_value")!.Value.ToString("C2", EnUs));
        await Expect(page.Locator("#checkout-funnel [data-step='orders']")).ToHaveAttributeAsync("data-value",
            answer.GetProperty("funnel").GetProperty("orders").GetInt64().ToString());
        await Expect(page.Locator("#checkout-list tbody tr")).ToHaveCountAsync(answer.GetProperty("data").GetArrayLength());
        await browser.ScreenshotAsync("checkouts");
        Assert.Empty(browser.Problems);
    }
}

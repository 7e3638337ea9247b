using GrowHalo.Tests.Dashboard.Live;
using static Microsoft.Playwright.Assertions;

namespace GrowHalo.Tests.Dashboard.Browser;

[Collection(DashboardBrowserCollection.Name)]
public sealed class EmptyAndLiveTests(DashboardServer server)
{
    [Fact]
    public async Task a_brand_without_data_is_told_how_to_connect_a_source()
    {
        var brand = await server.CreateTenantAsync("Fresh");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);

        var onboarding = browser.Page.Locator("#onboarding");
        await Expect(onboarding).ToBeVisibleAsync();
        await Expect(onboarding).ToContainTextAsync("No data yet — connect a source");
        await Expect(onboarding).ToContainTextAsync("POST /api/v1/ingest/connections");
        await Expect(onboarding).ToContainTextAsync("growhalo demo");
        await Expect(browser.Page.Locator("#kpis")).ToBeHiddenAsync();
        await Expect(browser.Page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "live");
        await browser.ScreenshotAsync("empty-state");
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task an_event_appended_while_the_page_is_open_shows_up_without_a_reload()
    {
        var brand = await server.CreateTenantAsync("Live");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        await Expect(browser.Page.Locator("#onboarding")).ToBeVisibleAsync();
        await Expect(browser.Page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "live");
        await browser.Page.EvaluateAsync("() => { window.__sameDocument = true; }");

        await server.Events.AppendAsync(brand.Tenant.Id, [SampleEvents.ShopifyOrder(brand.Tenant.Id, 7001, DateTimeOffset.UtcNow, 64m, "c-live")]);

        await Expect(browser.Page.Locator("#onboarding")).ToBeHiddenAsync();
        await Expect(browser.Page.Locator("#kpis")).ToBeVisibleAsync();
        Assert.True(await browser.Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        await browser.ScreenshotAsync("after-live-update");
        Assert.Empty(browser.Problems);
    }
}

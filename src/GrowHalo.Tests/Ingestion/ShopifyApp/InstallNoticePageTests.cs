using GrowHalo.Tests.Dashboard.Browser;
using static Microsoft.Playwright.Assertions;

namespace GrowHalo.Tests.Ingestion.ShopifyApp;

/// <summary>Where a completed install lands: the dashboard says the store is connected, once.</summary>
[Collection(DashboardBrowserCollection.Name)]
public sealed class InstallNoticePageTests(DashboardServer server)
{
    [Fact]
    public async Task the_dashboard_says_once_that_the_installed_shop_is_connected_and_cleans_the_address_bar()
    {
        var brand = await server.CreateTenantAsync("Installed");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync(brand.Tenant.Name);

        await browser.Page.GotoAsync($"{server.BaseUrl}/dashboard?installed=shopify&shop=acme.myshopify.com&connection=con_0123456789abcdef");

        await Expect(browser.Page.Locator("#install-notice")).ToContainTextAsync("acme.myshopify.com is connected");
        Assert.DoesNotContain("installed=", browser.Page.Url);
        await browser.Page.ReloadAsync();
        await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync(brand.Tenant.Name);
        await Expect(browser.Page.Locator("#install-notice")).ToHaveCountAsync(0);
        Assert.Empty(browser.Problems);
    }
}

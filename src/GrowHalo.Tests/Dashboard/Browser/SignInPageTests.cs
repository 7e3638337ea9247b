using System.Net;
using GrowHalo.Dashboard.Sessions;
using GrowHalo.Platform.Tenancy;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GrowHalo.Tests.Dashboard.Browser;

[Collection(DashboardBrowserCollection.Name)]
public sealed class SignInPageTests(DashboardServer server)
{
    [Fact]
    public async Task an_unknown_key_is_refused_with_a_message_that_says_what_to_do()
    {
        await using var browser = await server.OpenAsync();
        await Expect(browser.Page.Locator("#sign-in-form")).ToBeVisibleAsync();

        await browser.SignInAsync("ghk_this-is-not-a-key");

        await Expect(browser.Page.Locator("#sign-in-error")).ToContainTextAsync("not recognised");
        await Expect(browser.Page.Locator("#sign-in-form")).ToBeVisibleAsync();
        Assert.Empty(await browser.Context.CookiesAsync());
        await browser.ScreenshotAsync("sign-in-refused");
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task a_key_without_the_read_scope_is_refused()
    {
        var brand = await server.CreateTenantAsync("Ingestor", Scopes.Ingest);
        await using var browser = await server.OpenAsync();

        await browser.SignInAsync(brand.Key);

        await Expect(browser.Page.Locator("#sign-in-error")).ToContainTextAsync("'read' scope");
    }

    [Fact]
    public async Task a_read_key_opens_the_dashboard_and_the_key_is_kept_only_in_an_http_only_cookie()
    {
        var brand = await server.CreateTenantAsync("Lumen");
        await using var browser = await server.OpenAsync();

        await browser.SignInAsync(brand.Key);

        await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync(brand.Tenant.Name);
        var cookie = Assert.Single(await browser.Context.CookiesAsync());
        Assert.Equal(SessionCookie.Name, cookie.Name);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain(brand.Key, cookie.Value);
        var storage = await browser.Page.EvaluateAsync<string>("() => JSON.stringify([localStorage, sessionStorage, document.cookie])");
        Assert.Equal("""[{},{},""]""", storage);

        await browser.Page.ReloadAsync();
        await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync(brand.Tenant.Name);
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task a_sign_in_link_opens_the_dashboard_and_leaves_no_key_in_the_address_bar()
    {
        var brand = await server.CreateTenantAsync("Linked");
        await using var browser = await server.OpenAsync($"/dashboard/sign-in?key={Uri.EscapeDataString(brand.Key)}");

        await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync(brand.Tenant.Name);
        Assert.DoesNotContain("key=", browser.Page.Url);
        Assert.DoesNotContain(brand.Key, browser.Page.Url);
    }

    [Fact]
    public async Task a_one_time_link_opens_the_dashboard_once_and_then_explains_that_it_expired()
    {
        var brand = await server.CreateTenantAsync("Demo");
        var link = await server.Service<DashboardSessionStore>().CreateSignInLinkAsync(brand.Info);
        await using (var first = await server.OpenAsync(link))
            await Expect(first.Page.Locator("#tenant-name")).ToHaveTextAsync(brand.Tenant.Name);

        await using var second = await server.OpenAsync(link);

        await Expect(second.Page.Locator("#sign-in-error")).ToContainTextAsync("expired or was already used");
        Assert.DoesNotContain("sign_in_error", second.Page.Url);
    }

    [Fact]
    public async Task signing_out_returns_to_sign_in_and_the_old_cookie_stops_working()
    {
        var brand = await server.CreateTenantAsync("Leaving");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        await Expect(browser.Page.Locator("#tenant-name")).ToBeVisibleAsync();
        var cookie = (await browser.Context.CookiesAsync()).Single();

        await browser.Page.Locator("#sign-out").ClickAsync();

        await Expect(browser.Page.Locator("#sign-in-form")).ToBeVisibleAsync();
        await browser.Page.ReloadAsync();
        await Expect(browser.Page.Locator("#sign-in-form")).ToBeVisibleAsync();
        using var replay = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        replay.DefaultRequestHeaders.Add("Cookie", $"{cookie.Name}={cookie.Value}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.GetAsync("/dashboard/session")).StatusCode);
    }

    [Fact]
    public async Task revoking_the_key_sends_an_open_dashboard_back_to_sign_in()
    {
        var brand = await server.CreateTenantAsync("Revoked");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        await Expect(browser.Page.Locator("#tenant-name")).ToBeVisibleAsync();

        await server.Service<ApiKeyStore>().RevokeAsync(brand.Tenant.Id, brand.Info.Id);

        // The live stream re-checks its session on each keep-alive, ends, and the page finds the session gone.
        await Expect(browser.Page.Locator("#sign-in-error")).ToContainTextAsync("session has ended", new() { Timeout = 30_000 });
        await browser.ScreenshotAsync("session-ended");
    }
}

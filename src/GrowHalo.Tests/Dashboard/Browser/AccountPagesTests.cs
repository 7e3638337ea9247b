using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GrowHalo.Tests.Dashboard.Browser;

/// <summary>People in the dashboard: sign-up, sign-in by e-mail and password, a wrong password, sign-out, switching brands, and an analyst's read-only view.</summary>
[Collection(DashboardBrowserCollection.Name)]
public sealed class AccountPagesTests(DashboardServer server)
{
    private const string Password = "orchard-lantern-canvas-19";

    private static string NewEmail(string name) => $"{name}.{Guid.NewGuid():N}@example.com";

    /// <summary>An API client with a cookie jar, for preparing people the way the page would.</summary>
    private HttpClient Client() => new(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(server.BaseUrl) };

    private async Task<(HttpClient Client, JsonElement Account)> SignUpAsync(string email, string store)
    {
        var client = Client();
        var response = await client.PostAsJsonAsync("/api/auth/signup", new { email, password = Password, store_name = store });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (client, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static async Task SignInAsync(BrowserPage browser, string email, string password)
    {
        await browser.Page.Locator("#login-email").FillAsync(email);
        await browser.Page.Locator("#login-password").FillAsync(password);
        await browser.Page.Locator("#account-submit").ClickAsync();
    }

    [Fact]
    public async Task signing_up_in_the_page_opens_the_new_brands_dashboard()
    {
        var email = NewEmail("founder");
        var store = $"Harbor Tea {Guid.NewGuid():N}"[..16];
        await using var browser = await server.OpenAsync();
        await browser.Page.Locator("#toggle-signup").ClickAsync();
        await browser.Page.Locator("#login-email").FillAsync(email);
        await browser.Page.Locator("#login-password").FillAsync(Password);
        await browser.Page.Locator("#signup-store").FillAsync(store);
        await browser.Page.Locator("#account-submit").ClickAsync();

        await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync(store);
        await Expect(browser.Page.Locator("#user-email")).ToHaveTextAsync(email);
        await Expect(browser.Page.Locator("#user-role")).ToHaveTextAsync("owner");
        var cookie = Assert.Single(await browser.Context.CookiesAsync(), c => c.Name == "growhalo_user");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        await browser.ScreenshotAsync("account-signed-up");
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task a_too_short_password_is_explained_on_sign_up()
    {
        await using var browser = await server.OpenAsync();
        await browser.Page.Locator("#toggle-signup").ClickAsync();
        await browser.Page.Locator("#login-email").FillAsync(NewEmail("short"));
        await browser.Page.Locator("#login-password").FillAsync("tiny");
        await browser.Page.Locator("#signup-store").FillAsync("Tiny Store");
        await browser.Page.Locator("#account-submit").ClickAsync();

        await Expect(browser.Page.Locator("#account-error")).ToContainTextAsync("use at least 12");
        await Expect(browser.Page.Locator("#account-form")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task signing_in_with_email_and_password_shows_the_person_and_their_brand()
    {
        var email = NewEmail("signin");
        var store = $"Sign In Co {Guid.NewGuid():N}"[..16];
        await SignUpAsync(email, store);
        await using var browser = await server.OpenAsync();

        await SignInAsync(browser, email.ToUpperInvariant(), Password);

        await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync(store);
        await Expect(browser.Page.Locator("#user-email")).ToHaveTextAsync(email);
        await Expect(browser.Page.Locator("#tenant-switch")).ToHaveCountAsync(0); // one brand: nothing to switch
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task a_wrong_password_is_refused_with_a_message_and_no_session()
    {
        var email = NewEmail("wrong");
        await SignUpAsync(email, "Wrong Password Co");
        await using var browser = await server.OpenAsync();

        await SignInAsync(browser, email, "definitely not the password");

        await Expect(browser.Page.Locator("#account-error")).ToHaveTextAsync("The e-mail address or the password is not right. Check both and try again.");
        await Expect(browser.Page.Locator("#account-form")).ToBeVisibleAsync();
        Assert.DoesNotContain(await browser.Context.CookiesAsync(), c => c.Name == "growhalo_user");
        await browser.ScreenshotAsync("account-wrong-password");
    }

    [Fact]
    public async Task signing_out_ends_the_session_so_a_reload_shows_the_sign_in_page()
    {
        var email = NewEmail("signout");
        await SignUpAsync(email, "Sign Out Co");
        await using var browser = await server.OpenAsync();
        await SignInAsync(browser, email, Password);
        await Expect(browser.Page.Locator("#user-email")).ToHaveTextAsync(email);

        await browser.Page.Locator("#sign-out").ClickAsync();

        await Expect(browser.Page.Locator("#account-form")).ToBeVisibleAsync();
        Assert.DoesNotContain(await browser.Context.CookiesAsync(), c => c.Name == "growhalo_user");
        await browser.Page.ReloadAsync();
        await Expect(browser.Page.Locator("#account-form")).ToBeVisibleAsync();
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task a_member_of_two_brands_switches_between_them()
    {
        var email = NewEmail("twobrands");
        var (client, first) = await SignUpAsync(email, "First Brand Co");
        var (owner, _) = await SignUpAsync(NewEmail("other"), "Second Brand Co");
        var invite = await (await owner.PostAsJsonAsync("/api/v1/tenant/members", new { email, role = "admin" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/auth/invites/{invite.GetProperty("token").GetString()}/accept", null)).StatusCode);
        await using var browser = await server.OpenAsync();
        await SignInAsync(browser, email, Password);
        await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync("First Brand Co");

        var second = await browser.Page.Locator("#tenant-switch option", new() { HasText = "Second Brand Co" }).GetAttributeAsync("value");
        await browser.Page.Locator("#tenant-switch").SelectOptionAsync(second!);

        await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync("Second Brand Co");
        await Expect(browser.Page.Locator("#user-role")).ToHaveTextAsync("admin");
        _ = first;
    }

    [Fact]
    public async Task an_analyst_sees_segments_without_the_actions_that_change_them_and_an_owner_sees_them()
    {
        var ownerEmail = NewEmail("owner");
        var (owner, _) = await SignUpAsync(ownerEmail, "Analyst Brand Co");
        var analystEmail = NewEmail("analyst");
        var invite = await (await owner.PostAsJsonAsync("/api/v1/tenant/members", new { email = analystEmail, role = "analyst" })).Content.ReadFromJsonAsync<JsonElement>();
        var accepted = await Client().PostAsJsonAsync($"/api/auth/invites/{invite.GetProperty("token").GetString()}/accept", new { password = Password });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        await using (var browser = await server.OpenAsync())
        {
            await SignInAsync(browser, analystEmail, Password);
            await Expect(browser.Page.Locator("#user-role")).ToHaveTextAsync("analyst");
            await Expect(browser.Page.Locator("#team")).ToHaveCountAsync(0); // no team management
            await browser.Page.Locator("#nav a[data-page=segments]").ClickAsync();
            await Expect(browser.Page.Locator("#segment-role-note")).ToBeVisibleAsync();
            await Expect(browser.Page.Locator("#save-segment")).ToBeHiddenAsync();
            await Expect(browser.Page.Locator("#new-segment")).ToBeHiddenAsync();
            await Expect(browser.Page.Locator("#add-condition")).ToBeHiddenAsync();
            await Expect(browser.Page.Locator("#segment-unlock")).ToBeHiddenAsync();
            Assert.Equal("false", await browser.Page.EvaluateAsync<string>("document.body.dataset.canWrite"));
            await browser.ScreenshotAsync("account-analyst-segments");
            Assert.Empty(browser.Problems);
        }

        await using (var browser = await server.OpenAsync())
        {
            await SignInAsync(browser, ownerEmail, Password);
            await Expect(browser.Page.Locator("#user-role")).ToHaveTextAsync("owner");
            await browser.Page.Locator("#nav a[data-page=segments]").ClickAsync();
            await Expect(browser.Page.Locator("#save-segment")).ToBeVisibleAsync();
            await Expect(browser.Page.Locator("#save-segment")).ToBeEnabledAsync();
            await Expect(browser.Page.Locator("#segment-role-note")).ToBeHiddenAsync();
            await Expect(browser.Page.Locator("#segment-readonly")).ToBeHiddenAsync();
        }
    }

    [Fact]
    public async Task an_owner_sees_the_team_and_invites_someone_with_a_link_to_pass_on()
    {
        var email = NewEmail("teamowner");
        await SignUpAsync(email, "Team Page Co");
        await using var browser = await server.OpenAsync();
        await SignInAsync(browser, email, Password);
        await Expect(browser.Page.Locator($"#team-table tr[data-member='{email}']")).ToContainTextAsync("owner");

        var invited = NewEmail("colleague");
        await browser.Page.Locator("#invite-email").FillAsync(invited);
        await browser.Page.Locator("#invite-role").SelectOptionAsync("admin");
        await browser.Page.Locator("#invite-form-team button[type=submit]").ClickAsync();

        await Expect(browser.Page.Locator("#invite-link")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(@"/dashboard\?invite=[A-Za-z0-9_-]{43}$"));
        await Expect(browser.Page.Locator($"#team-table tr[data-invite='{invited}']")).ToContainTextAsync("admin");
        await browser.ScreenshotAsync("account-team");
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task an_invitation_link_lets_a_new_person_choose_a_password_and_join()
    {
        var (owner, _) = await SignUpAsync(NewEmail("inviter"), "Invite Link Co");
        var invite = await (await owner.PostAsJsonAsync("/api/v1/tenant/members", new { email = NewEmail("newbie"), role = "analyst" })).Content.ReadFromJsonAsync<JsonElement>();
        await using var browser = await server.OpenAsync(invite.GetProperty("invite_url").GetString()!);

        await browser.Page.Locator("#invite-password").FillAsync(Password);
        await browser.Page.Locator("#invite-accept").ClickAsync();

        await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync("Invite Link Co");
        await Expect(browser.Page.Locator("#user-role")).ToHaveTextAsync("analyst");
        Assert.DoesNotContain("invite", browser.Page.Url);
    }
}

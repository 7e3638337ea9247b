using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using GrowHalo.Platform.Events.Projections;
using GrowHalo.Tests.Dashboard.Live;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace GrowHalo.Tests.Dashboard.Browser;

/// <summary>
/// The Settings page: an owner changes the time zone and follows the re-projection (progress bar, recomputing banner,
/// kept across a reload) until it completes; a refused value is explained beside its field; an analyst only reads.
/// </summary>
[Collection(DashboardBrowserCollection.Name)]
public sealed class SettingsPageTests(DashboardServer server)
{
    private const string Password = "orchard-lantern-canvas-19";

    private static string NewEmail(string name) => $"{name}.{Guid.NewGuid():N}@example.com";

    private HttpClient Client() => new(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(server.BaseUrl) };

    /// <summary>A new person and brand (they are its owner), with a client signed in as them.</summary>
    private async Task<(HttpClient Client, string Email, string TenantId)> SignUpAsync(string store)
    {
        var client = Client();
        var email = NewEmail("settings");
        var response = await client.PostAsJsonAsync("/api/auth/signup", new { email, password = Password, store_name = store });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var account = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (client, email, account.GetProperty("current_tenant").GetProperty("id").GetString()!);
    }

    private async Task<BrowserPage> OpenSettingsAsync(string email)
    {
        var browser = await server.OpenAsync();
        await browser.Page.Locator("#login-email").FillAsync(email);
        await browser.Page.Locator("#login-password").FillAsync(Password);
        await browser.Page.Locator("#account-submit").ClickAsync();
        await Expect(browser.Page.Locator("#user-email")).ToHaveTextAsync(email);
        await browser.Page.Locator("#nav a[data-page=settings]").ClickAsync();
        await Expect(browser.Page.Locator("#settings-panel")).ToHaveAttributeAsync("data-state", "ready");
        return browser;
    }

    private static async Task<JsonElement> TenantAsync(HttpClient client) => await client.GetFromJsonAsync<JsonElement>("/api/v1/tenant");

    /// <summary>Holds a projection's lock, as a daemon page in flight does: a re-projection replays the others, then waits here.</summary>
    private static async Task AdvisoryLockAsync(NpgsqlConnection connection, string function, string projection)
    {
        await using var cmd = new NpgsqlCommand($"select {function}(hashtextextended('growhalo:projection:' || $1, 0))", connection);
        cmd.Parameters.Add(new() { Value = projection });
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task an_owner_changes_the_time_zone_and_follows_the_recomputation_until_it_completes()
    {
        var (client, email, tenantId) = await SignUpAsync("Settings Zone Co");
        await server.Events.AppendAsync(tenantId, [SampleEvents.ShopifyOrder(tenantId, 7001, DateTimeOffset.UtcNow.AddDays(-1), 25m, "c-1")]);
        await server.WaitForProjectionsAsync();
        var last = server.Service<ProjectionRebuilder>().Names[^1];
        await using var hold = await server.Service<NpgsqlDataSource>().OpenConnectionAsync();
        await AdvisoryLockAsync(hold, "pg_advisory_lock", last);
        var held = true;
        try
        {
            await using var browser = await OpenSettingsAsync(email);
            var page = browser.Page;
            await Expect(page.Locator("#settings-time-zone")).ToHaveValueAsync("UTC");
            await Expect(page.Locator("#settings-currency")).ToHaveValueAsync("USD");
            await Expect(page.Locator("#settings-name")).ToHaveValueAsync("Settings Zone Co");
            var banner = page.Locator("#recomputing-banner");
            await Expect(banner).ToBeHiddenAsync();

            await page.Locator("#settings-time-zone").SelectOptionAsync("America/New_York");
            await page.Locator("#settings-save").ClickAsync();

            await Expect(page.Locator("#settings-changed li")).ToHaveTextAsync(["Time zone: UTC → America/New_York"]);
            var progress = page.Locator("#reprojection-progress");
            var moving = new Regex(@"^\d+(\.\d)?% · .+: [\d,]+ of [\d,]+ events$");
            await Expect(progress.Locator(".sync-words")).ToHaveTextAsync(moving);
            await Expect(progress).ToHaveAttributeAsync("data-state", "running");
            await Expect(banner).ToBeVisibleAsync();
            await Expect(banner).ToContainTextAsync("Numbers are being recomputed after a settings change");
            await browser.ScreenshotAsync("settings-recomputing");

            // A reload finds the run again (GET /api/v1/sync?active=true), and every page shows the banner meanwhile.
            await page.ReloadAsync();
            await Expect(progress.Locator(".sync-words")).ToHaveTextAsync(moving);
            await Expect(banner).ToBeVisibleAsync();
            await page.Locator("#nav a[data-page=overview]").ClickAsync();
            await Expect(banner).ToBeVisibleAsync();
            await page.Locator("#nav a[data-page=settings]").ClickAsync();

            await AdvisoryLockAsync(hold, "pg_advisory_unlock", last);
            held = false;
            await Expect(progress).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = 30_000 });
            await Expect(progress.Locator(".sync-words")).ToHaveTextAsync(new Regex(@"^Completed · [\d,]+ events replayed$"));
            await Expect(banner).ToBeHiddenAsync();
            await Expect(page.Locator("#settings-time-zone")).ToHaveValueAsync("America/New_York");
            Assert.Equal("America/New_York", (await TenantAsync(client)).GetProperty("time_zone").GetString());
            Assert.Empty(browser.Problems);
        }
        finally
        {
            if (held) await AdvisoryLockAsync(hold, "pg_advisory_unlock", last);
        }
    }

    [Fact]
    public async Task values_the_server_refuses_are_explained_beside_their_fields_and_nothing_changes()
    {
        var (client, email, _) = await SignUpAsync("Settings Typo Co");
        await using var browser = await OpenSettingsAsync(email);
        var page = browser.Page;

        await page.Locator("#settings-currency").FillAsync("ZZZ");
        await page.Locator("#settings-abandoned-checkout-minutes").FillAsync("2");
        await page.Locator("#settings-save").ClickAsync();

        await Expect(page.Locator("#settings-currency-error")).ToHaveTextAsync("Currency 'ZZZ' is not an ISO 4217 currency code. Use three letters such as USD, EUR or GBP.");
        await Expect(page.Locator("#settings-abandoned-checkout-minutes-error")).ToHaveTextAsync("abandoned_checkout_minutes must be a whole number of minutes from 5 to 10080, got 2.");
        await Expect(page.Locator("#settings-currency")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#settings-time-zone-error")).ToBeHiddenAsync();
        await Expect(page.Locator("#settings-result")).ToContainTextAsync("Nothing was changed");
        await Expect(page.Locator("#reprojection")).ToBeHiddenAsync();
        await browser.ScreenshotAsync("settings-field-errors");
        var tenant = await TenantAsync(client);
        Assert.Equal("USD", tenant.GetProperty("currency").GetString());
        Assert.Equal(60, tenant.GetProperty("abandoned_checkout_minutes").GetInt32());
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task an_analyst_sees_the_settings_read_only_without_save()
    {
        var (owner, _, _) = await SignUpAsync("Settings Reader Co");
        Assert.Equal(HttpStatusCode.OK, (await owner.PatchAsJsonAsync("/api/v1/tenant", new { recovery_window_days = 14 })).StatusCode);
        var analyst = NewEmail("analyst");
        var invite = await (await owner.PostAsJsonAsync("/api/v1/tenant/members", new { email = analyst, role = "analyst" })).Content.ReadFromJsonAsync<JsonElement>();
        var accepted = await Client().PostAsJsonAsync($"/api/auth/invites/{invite.GetProperty("token").GetString()}/accept", new { password = Password });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        await using var browser = await OpenSettingsAsync(analyst);
        var page = browser.Page;

        await Expect(page.Locator("#settings-recovery-window-days")).ToHaveValueAsync("14");
        await Expect(page.Locator("#settings-time-zone")).ToHaveValueAsync("UTC");
        await Expect(page.Locator("#settings-time-zone")).ToBeDisabledAsync();
        await Expect(page.Locator("#settings-currency")).ToBeDisabledAsync();
        await Expect(page.Locator("#settings-recovery-window-days")).ToBeDisabledAsync();
        await Expect(page.Locator("#settings-save")).ToHaveCountAsync(0);
        await Expect(page.Locator("#settings-readonly")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("settings-analyst");
        Assert.Empty(browser.Problems);
    }
}

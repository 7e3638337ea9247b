using System.Text.Json;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Dashboard.Browser;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace GrowHalo.Tests.Privacy;

/// <summary>The dashboard's Privacy page: admins see the brand's privacy requests and download a data request's export.</summary>
[Collection(DashboardBrowserCollection.Name)]
public sealed class PrivacyPageTests(DashboardServer server)
{
    [Fact]
    public async Task an_admin_key_shows_the_requests_and_downloads_a_data_requests_export()
    {
        var (tenant, readKey, _) = await server.CreateTenantAsync("Privacy", Scopes.Read);
        var adminKey = (await server.Service<ApiKeyStore>().CreateAsync(tenant.Id, [Scopes.Read, Scopes.Admin], "admin")).RawKey;
        var exported = Guid.NewGuid();
        var redacted = Guid.NewGuid();
        await using (var cmd = server.Service<NpgsqlDataSource>().CreateCommand("""
            insert into privacy_requests (id, tenant_id, kind, shop_domain, shopify_customer_id, email, received_at, completed_at, state, attempts, next_attempt_at, export)
            values ($1, $3, 'data_request', 'halo.myshopify.com', '191167', 'jane@example.com', now() - interval '2 hours', now() - interval '2 hours', 'completed', 1, now(), '{"customer":[{"email":"jane@example.com"}]}'),
                   ($2, $3, 'customer_redact', 'halo.myshopify.com', '200200', null, now() - interval '1 hour', now() - interval '1 hour', 'completed', 1, now(), null)
            """))
        {
            cmd.Parameters.Add(new() { Value = exported });
            cmd.Parameters.Add(new() { Value = redacted });
            cmd.Parameters.Add(new() { Value = tenant.Id });
            await cmd.ExecuteNonQueryAsync();
        }
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(readKey);
        var page = browser.Page;
        await Expect(page.Locator("#nav")).ToBeVisibleAsync();
        await page.Locator("#nav [data-page='privacy']").ClickAsync();

        // The session only reads: the page asks for an admin key before it shows anything.
        await Expect(page.Locator("#privacy-locked")).ToBeVisibleAsync();
        await Expect(page.Locator("#privacy-table")).ToHaveCountAsync(0);
        await page.Locator("#privacy-admin-key").FillAsync(readKey);
        await page.Locator("#privacy-unlock button[type=submit]").ClickAsync();
        await Expect(page.Locator("#privacy-locked [role=alert]")).ToContainTextAsync("admin scope");
        await page.Locator("#privacy-admin-key").FillAsync(adminKey);
        await page.Locator("#privacy-unlock button[type=submit]").ClickAsync();

        await Expect(page.Locator("#privacy-table tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#privacy-table tbody tr").First).ToHaveAttributeAsync("data-request-id", redacted.ToString());
        await Expect(page.Locator("#privacy-table tbody tr").Nth(1)).ToContainTextAsync("Data request");
        await Expect(page.Locator($"[data-request-id='{redacted}'] button")).ToHaveCountAsync(0);
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator($"[data-export-id='{exported}']").ClickAsync());
        Assert.Equal($"privacy-request-{exported}.json", download.SuggestedFilename);
        var file = JsonDocument.Parse(await File.ReadAllTextAsync((await download.PathAsync())!)).RootElement;
        Assert.Equal("jane@example.com", file.GetProperty("customer")[0].GetProperty("email").GetString());
        Assert.Empty(browser.Problems);
    }
}

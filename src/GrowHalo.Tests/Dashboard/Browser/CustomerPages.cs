using System.Text.Json;
using GrowHalo.Platform.Tenancy;
using static Microsoft.Playwright.Assertions;

namespace GrowHalo.Tests.Dashboard.Browser;

/// <summary>A brand seeded with <see cref="SampleBrand"/>, its key and an API client with that key.</summary>
internal sealed record SeededBrand(Tenant Tenant, string Key, HttpClient Api, DateOnly Today);

/// <summary>What the customer pages' browser tests share: a seeded brand, the API's answer, a page opened from the navigation.</summary>
internal static class CustomerPages
{
    /// <summary>A new brand with a key of <paramref name="scopes"/> (read when none), seeded and projected.</summary>
    public static async Task<SeededBrand> SeededBrandAsync(DashboardServer server, string name, params string[] scopes)
    {
        var (tenant, key, _) = await server.CreateTenantAsync(name, scopes.Length == 0 ? [Scopes.Read] : scopes);
        var today = tenant.LocalDate(server.Service<TimeProvider>().GetUtcNow());
        await SampleBrand.SeedAsync(server.Events, tenant.Id, today);
        await server.WaitForProjectionsAsync();
        return new SeededBrand(tenant, key, server.Api(key), today);
    }

    public static async Task<JsonElement> GetAsync(HttpClient api, string url)
    {
        var response = await api.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} → {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>Opens a page from the navigation (signed in) and returns the answer the page asked the server for.</summary>
    public static async Task<JsonElement> OpenPageAsync(BrowserPage browser, string page, string apiPath)
    {
        await Expect(browser.Page.Locator("#nav")).ToBeVisibleAsync();
        var response = await browser.Page.RunAndWaitForResponseAsync(
            () => browser.Page.Locator($"#nav [data-page='{page}']").ClickAsync(), r => new Uri(r.Url).AbsolutePath == apiPath);
        Assert.Equal(200, response.Status);
        return JsonDocument.Parse(await response.TextAsync()).RootElement;
    }
}

using System.Text.Json;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Dashboard.Live;
using Microsoft.Playwright;
using static GrowHalo.Tests.Dashboard.Browser.PageProbe;
using static Microsoft.Playwright.Assertions;

namespace GrowHalo.Tests.Dashboard.Browser;

/// <summary>
/// The dashboard against the real metrics API over a seeded brand: what the page shows must be what the API says.
/// These need /api/v1/metrics/summary, /api/v1/metrics and /api/v1/metrics/ad-spend (Analytics) and the projections
/// behind them (Modeling).
/// </summary>
[Collection(DashboardBrowserCollection.Name)]
[Trait("Needs", "MetricsApi")]
public sealed class MetricsPageTests(DashboardServer server)
{
    private static readonly string[] Money = ["revenue", "ad_spend"];
    private static readonly string[] Counts = ["orders_count", "new_customers"];
    private static readonly string[] All = ["revenue", "orders_count", "new_customers", "ad_spend", "roas", "cac", "avg_order_value"];

    private sealed record Brand(Tenant Tenant, string Key, HttpClient Api, DateOnly Today);

    private async Task<Brand> SeededBrandAsync(string name)
    {
        var (tenant, key, _) = await server.CreateTenantAsync(name, Scopes.Read);
        var today = tenant.LocalDate(server.Service<TimeProvider>().GetUtcNow());
        await SampleBrand.SeedAsync(server.Events, tenant.Id, today);
        await server.WaitForProjectionsAsync();
        return new Brand(tenant, key, server.Api(key), today);
    }

    private static async Task<JsonElement> GetAsync(HttpClient api, string url)
    {
        var response = await api.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} → {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>
    /// Waits for the cards to show the API's revenue and new customers (kept by two projections, which commit and
    /// notify the page one after the other), then checks every card against the API's answer.
    /// </summary>
    private static async Task AssertCardsShowAsync(IPage page, JsonElement summary)
    {
        var current = summary.GetProperty("current");
        await Expect(Kpi(page, "revenue")).ToHaveAttributeAsync("data-value", Js(Number(current, "revenue")!.Value));
        await Expect(Kpi(page, "new_customers")).ToHaveAttributeAsync("data-value", Js(Number(current, "new_customers")!.Value));
        foreach (var kpi in All)
        {
            var expected = Number(current, kpi);
            var shown = await KpiValueAsync(page, kpi);
            Assert.True(Same(shown, expected), $"{kpi}: the page shows {shown}, the API says {expected}");
            var text = await Kpi(page, kpi).Locator(".kpi-value").TextContentAsync();
            if (Money.Contains(kpi)) Assert.Equal(expected!.Value.ToString("C2", EnUs), text);
            if (Counts.Contains(kpi)) Assert.Equal(expected!.Value.ToString("N0", EnUs), text);
            if (expected is null) Assert.Equal("—", text);
        }
    }

    [Fact]
    public async Task the_kpi_cards_show_the_numbers_the_summary_api_returns_and_colour_the_change()
    {
        var brand = await SeededBrandAsync("Cards");
        var summary = await GetAsync(brand.Api, "/api/v1/metrics/summary?period=last_30_days");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);

        await AssertCardsShowAsync(browser.Page, summary);
        var changes = summary.GetProperty("changes");
        foreach (var (kpi, upIsGood) in new[] { ("revenue", true), ("ad_spend", false), ("cac", false), ("avg_order_value", true) })
        {
            var change = Number(changes, kpi);
            var tone = change is null or 0 ? "neutral" : (change > 0) == upIsGood ? "good" : "bad";
            await Expect(Kpi(browser.Page, kpi)).ToHaveAttributeAsync("data-tone", tone);
        }
        await browser.ScreenshotAsync("metrics-30-days");
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task the_period_picker_changes_the_numbers_to_the_chosen_period()
    {
        var brand = await SeededBrandAsync("Periods");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        var page = browser.Page;

        await page.Locator("[data-period='7']").ClickAsync();
        var week = await GetAsync(brand.Api, "/api/v1/metrics/summary?period=last_7_days");
        await AssertCardsShowAsync(page, week);

        await page.Locator("[data-period='90']").ClickAsync();
        var quarter = await GetAsync(brand.Api, "/api/v1/metrics/summary?period=last_90_days");
        await AssertCardsShowAsync(page, quarter);
        Assert.NotEqual(Number(week.GetProperty("current"), "revenue"), Number(quarter.GetProperty("current"), "revenue"));

        var (start, end) = (brand.Today.AddDays(-40), brand.Today.AddDays(-20));
        await page.Locator("[data-period='custom']").ClickAsync();
        await page.Locator("#custom-start").FillAsync(start.ToString("yyyy-MM-dd"));
        await page.Locator("#custom-end").FillAsync(end.ToString("yyyy-MM-dd"));
        await page.Locator("#apply-range").ClickAsync();
        var custom = await GetAsync(brand.Api, $"/api/v1/metrics/summary?start={start:yyyy-MM-dd}&end={end:yyyy-MM-dd}");
        await AssertCardsShowAsync(page, custom);
        Assert.Contains("start=", page.Url); // the chosen period survives a reload
    }

    [Fact]
    public async Task each_chart_draws_the_series_the_metrics_api_returns_at_each_granularity()
    {
        var brand = await SeededBrandAsync("Charts");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        var page = browser.Page;
        var (start, end) = (brand.Today.AddDays(-29), brand.Today);

        foreach (var granularity in new[] { "daily", "weekly", "monthly" })
        {
            if (granularity != "daily") await page.Locator($"[data-granularity='{granularity}']").ClickAsync();
            var series = await GetAsync(brand.Api,
                $"/api/v1/metrics?start={start:yyyy-MM-dd}&end={end:yyyy-MM-dd}&granularity={granularity}&metrics=revenue,ad_spend,roas,orders_count,new_customers,avg_order_value");
            var points = series.GetProperty("data").GetArrayLength().ToString();
            foreach (var (chart, colour) in Charts)
            {
                await Expect(page.Locator($"[data-chart='{chart}']")).ToHaveAttributeAsync("data-points", points);
                await WaitForDrawnSeriesAsync(page, chart, colour);
            }
        }
        await browser.ScreenshotAsync("metrics-charts-monthly");
    }

    [Fact]
    public async Task the_ad_spend_breakdown_lists_what_the_api_returns_per_platform_and_campaign()
    {
        var brand = await SeededBrandAsync("Breakdown");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        var range = $"start={brand.Today.AddDays(-29):yyyy-MM-dd}&end={brand.Today:yyyy-MM-dd}";

        var bySource = (await GetAsync(brand.Api, $"/api/v1/metrics/ad-spend?{range}&group_by=source")).GetProperty("data");
        var byCampaign = (await GetAsync(brand.Api, $"/api/v1/metrics/ad-spend?{range}&group_by=campaign")).GetProperty("data");

        await Expect(browser.Page.Locator("[data-breakdown='source'] tbody tr")).ToHaveCountAsync(bySource.GetArrayLength());
        await Expect(browser.Page.Locator("[data-breakdown='campaign'] tbody tr")).ToHaveCountAsync(byCampaign.GetArrayLength());
        foreach (var row in bySource.EnumerateArray())
            await Expect(browser.Page.Locator("[data-breakdown='source']")).ToContainTextAsync(Number(row, "ad_spend")!.Value.ToString("C2", EnUs));
        foreach (var row in byCampaign.EnumerateArray())
            await Expect(browser.Page.Locator("[data-breakdown='campaign']")).ToContainTextAsync(row.GetProperty("campaign_name").GetString()!);
    }

    [Fact]
    public async Task a_new_order_changes_the_revenue_card_without_a_reload()
    {
        var brand = await SeededBrandAsync("Growing");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        var page = browser.Page;
        await AssertCardsShowAsync(page, await GetAsync(brand.Api, "/api/v1/metrics/summary?period=last_30_days"));
        await Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "live");
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        await server.Events.AppendAsync(brand.Tenant.Id,
            [SampleEvents.ShopifyOrder(brand.Tenant.Id, 9_999_001, server.Service<TimeProvider>().GetUtcNow(), 321.00m, "c-new-buyer")]);
        await server.WaitForProjectionsAsync();

        await AssertCardsShowAsync(page, await GetAsync(brand.Api, "/api/v1/metrics/summary?period=last_30_days"));
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
    }
}

using GrowHalo.Tests.Dashboard.Live;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GrowHalo.Tests.Dashboard.Browser;

/// <summary>
/// The page against answers shaped like the documented API (<see cref="ContractFixtures"/>), served to the browser in
/// place of the real endpoints: how figures are formatted and coloured, what null ratios and failures look like.
/// </summary>
[Collection(DashboardBrowserCollection.Name)]
public sealed class FrontEndContractTests(DashboardServer server)
{
    private async Task<BrowserPage> OpenWithContractAnswersAsync(int width = 1440, int height = 1000, Func<IRoute, Task>? ingest = null,
        Task? answersHeldUntil = null)
    {
        var brand = await server.CreateTenantAsync("Halo Skin");
        await server.Events.AppendAsync(brand.Tenant.Id, [SampleEvents.ShopifyOrder(brand.Tenant.Id, 1, DateTimeOffset.UtcNow, 10m, "c-1")]);
        var browser = await server.OpenAsync(width: width, height: height);
        await browser.Page.RouteAsync("**/api/v1/**", async route =>
        {
            if (answersHeldUntil is not null) await answersHeldUntil;
            await Answer(route, ingest);
        });
        await browser.SignInAsync(brand.Key);
        await Expect(browser.Page.Locator("#kpis")).ToBeVisibleAsync();
        return browser;
    }

    private static Task Answer(IRoute route, Func<IRoute, Task>? ingest)
    {
        var url = new Uri(route.Request.Url);
        if (url.AbsolutePath == "/api/v1/ingest/status" && ingest is not null) return ingest(route);
        var q = System.Web.HttpUtility.ParseQueryString(url.Query);
        var body = url.AbsolutePath switch
        {
            "/api/v1/metrics/summary" => ContractFixtures.Summary(q["period"] ?? "custom"),
            "/api/v1/metrics" => ContractFixtures.Series(DateOnly.Parse(q["start"]!), DateOnly.Parse(q["end"]!)),
            "/api/v1/metrics/ad-spend" => q["group_by"] == "campaign" ? ContractFixtures.ByCampaign() : ContractFixtures.BySource(),
            "/api/v1/ingest/status" => ContractFixtures.IngestStatus(),
            _ => null,
        };
        return body is null ? route.ContinueAsync() : route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = body });
    }

    [Fact]
    public async Task kpi_cards_format_the_figures_and_colour_each_change_by_whether_it_is_good_for_the_brand()
    {
        await using var browser = await OpenWithContractAnswersAsync();
        var page = browser.Page;

        await Expect(PageProbe.Kpi(page, "revenue").Locator(".kpi-value")).ToHaveTextAsync("$12,345.67");
        await Expect(PageProbe.Kpi(page, "orders_count").Locator(".kpi-value")).ToHaveTextAsync("210");
        await Expect(PageProbe.Kpi(page, "roas").Locator(".kpi-value")).ToHaveTextAsync("3.21×");
        await Expect(PageProbe.Kpi(page, "cac").Locator(".kpi-value")).ToHaveTextAsync("$45.74");
        await Expect(PageProbe.Kpi(page, "revenue").Locator(".kpi-delta")).ToContainTextAsync("▲ 12.4%");
        // Up is good for revenue, new customers, ROAS and AOV; down is good for CAC and ad spend.
        var tones = new Dictionary<string, string>
        {
            ["revenue"] = "good", ["orders_count"] = "bad", ["new_customers"] = "good", ["ad_spend"] = "bad",
            ["roas"] = "good", ["cac"] = "good", ["avg_order_value"] = "good",
        };
        foreach (var (kpi, tone) in tones)
            await Expect(PageProbe.Kpi(page, kpi)).ToHaveAttributeAsync("data-tone", tone);
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task every_chart_draws_its_series_and_follows_the_granularity()
    {
        await using var browser = await OpenWithContractAnswersAsync();
        var page = browser.Page;

        foreach (var (chart, colour) in PageProbe.Charts)
        {
            await Expect(page.Locator($"[data-chart='{chart}']")).ToHaveAttributeAsync("data-state", "ready");
            await Expect(page.Locator($"[data-chart='{chart}']")).ToHaveAttributeAsync("data-points", "30");
            await PageProbe.WaitForDrawnSeriesAsync(page, chart, colour);
        }
        await page.Locator("[data-period='7']").ClickAsync();
        await Expect(page.Locator("[data-chart='roas']")).ToHaveAttributeAsync("data-points", "7");
        await browser.ScreenshotAsync("contract-dashboard-desktop");
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task the_breakdown_shows_share_of_spend_and_labels_blended_and_platform_roas_apart()
    {
        await using var browser = await OpenWithContractAnswersAsync();
        var page = browser.Page;
        var platforms = page.Locator("[data-breakdown='source'] tbody tr");

        await Expect(platforms).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-breakdown='source'] thead")).ToContainTextAsync("Blended ROAS");
        await Expect(page.Locator("[data-breakdown='source'] thead")).ToContainTextAsync("Platform ROAS");
        await Expect(platforms.Nth(0)).ToContainTextAsync("Meta");
        await Expect(platforms.Nth(0)).ToContainTextAsync("62.5%");
        await Expect(platforms.Nth(0).Locator("[data-roas='platform']")).ToHaveTextAsync("4.10×");
        await Expect(platforms.Nth(1).Locator("[data-roas='platform']")).ToHaveTextAsync("—");
        var campaigns = page.Locator("[data-breakdown='campaign'] tbody tr");
        await Expect(campaigns).ToHaveCountAsync(3);
        await Expect(campaigns.Nth(2)).ToContainTextAsync("<b>Retargeting</b>"); // names are text, never markup
    }

    [Fact]
    public async Task the_ingestion_panel_shows_connections_where_their_sync_stands_in_words_lag_and_rejections()
    {
        await using var browser = await OpenWithContractAnswersAsync();
        var panel = browser.Page.Locator("#ingestion");

        await Expect(panel.Locator("#connections tbody tr")).ToHaveCountAsync(2);
        await Expect(panel).ToContainTextAsync("Halo Skin store");
        await Expect(panel).ToContainTextAsync("18,234");
        var sync = panel.Locator("#connections [data-field='cursor']");
        await Expect(sync.Nth(0)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(
            @"^synced through Nov 22(, 2026)?, 07:55, last success 2 minutes ago, next attempt in 2\d s$"));
        await Expect(sync.Nth(1)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(
            @"^synced through Nov 19, 2026, 3 failed attempts in a row, next attempt in [34] min$"));
        await Expect(panel).ToContainTextAsync("Token expired");
        await Expect(panel.Locator("#projections")).ToContainTextAsync("ad_spend");
        await Expect(panel.Locator("#rejections")).ToContainTextAsync("total_price: must not be negative");
    }

    [Fact]
    public async Task a_failing_endpoint_shows_its_reason_and_a_retry_that_recovers()
    {
        var failures = 0;
        await using var browser = await OpenWithContractAnswersAsync(ingest: route => ++failures == 1
            ? route.FulfillAsync(new() { Status = 503, ContentType = "application/problem+json",
                Body = """{"title":"Not ready","status":503,"detail":"The database does not answer. Retry in a minute."}""" })
            : route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = ContractFixtures.IngestStatus() }));
        var panel = browser.Page.Locator("#ingestion");

        await Expect(panel.Locator("[data-state='error']")).ToContainTextAsync("The database does not answer. Retry in a minute.");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();

        await Expect(panel.Locator("#connections")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task while_the_figures_load_every_panel_says_so_and_then_fills_in()
    {
        var release = new TaskCompletionSource();
        await using var browser = await OpenWithContractAnswersAsync(answersHeldUntil: release.Task);
        var page = browser.Page;

        await Expect(PageProbe.Kpi(page, "revenue")).ToHaveAttributeAsync("data-state", "loading");
        await Expect(page.Locator("[data-chart='roas']")).ToHaveAttributeAsync("data-state", "loading");
        await Expect(page.Locator("#ingestion [data-state='loading']")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("contract-loading");
        release.SetResult();

        await Expect(PageProbe.Kpi(page, "revenue")).ToHaveAttributeAsync("data-state", "ready");
        await Expect(page.Locator("[data-chart='roas']")).ToHaveAttributeAsync("data-state", "ready");
    }

    [Fact]
    public async Task on_a_phone_the_dashboard_folds_into_one_column_without_sideways_scrolling()
    {
        await using var browser = await OpenWithContractAnswersAsync(width: 390, height: 844);
        var page = browser.Page;
        await PageProbe.WaitForDrawnSeriesAsync(page, "aov", "#a78bfa");
        await browser.ScreenshotAsync("contract-dashboard-phone");

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"the page is {overflow}px wider than the phone's screen");
        var chartWidth = await page.Locator("[data-chart='roas']").EvaluateAsync<double>("e => e.getBoundingClientRect().width");
        Assert.True(chartWidth > 300, $"charts should span the screen on a phone, got {chartWidth}px");
    }
}

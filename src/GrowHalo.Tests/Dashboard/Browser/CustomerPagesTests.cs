using System.Text.Json;
using GrowHalo.Platform.Tenancy;
using Microsoft.Playwright;
using static GrowHalo.Tests.Dashboard.Browser.PageProbe;
using static GrowHalo.Tests.Dashboard.Browser.CustomerPages;
using static Microsoft.Playwright.Assertions;

namespace GrowHalo.Tests.Dashboard.Browser;

/// <summary>
/// The customer analytics pages against the real API over the seeded brand (<see cref="SampleBrand"/>): the
/// customer list, its search and its next pages, the cohort heat map and the RFM grid show what the API answers.
/// </summary>
[Collection(DashboardBrowserCollection.Name)]
public sealed class CustomerPagesTests(DashboardServer server)
{
    private static string[] Keys(JsonElement page) =>
        page.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("customer_key").GetString()!).ToArray();

    private static async Task<string[]> ShownKeysAsync(IPage page) =>
        (await page.Locator("#customers-table tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.customer)"));

    [Fact]
    public async Task the_customer_list_shows_the_api_rows_in_order_and_more_loads_the_next_page()
    {
        var brand = await SeededBrandAsync(server, "Customers");
        var first = await GetAsync(brand.Api, "/api/v1/customers?sort=lifetime_revenue&order=desc&limit=50");
        var second = await GetAsync(brand.Api, $"/api/v1/customers?sort=lifetime_revenue&order=desc&limit=50&cursor={first.GetProperty("next_cursor").GetString()}");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        await Expect(browser.Page.Locator("#nav")).ToBeVisibleAsync();
        await browser.Page.Locator("#nav [data-page='customers']").ClickAsync();
        var page = browser.Page;

        await Expect(page.Locator("#customers-table tbody tr")).ToHaveCountAsync(50);
        Assert.Equal(Keys(first), await ShownKeysAsync(page));
        var top = first.GetProperty("data")[0];
        var topRow = page.Locator("#customers-table tbody tr").First;
        await Expect(topRow.Locator("[data-field='lifetime_revenue']")).ToHaveTextAsync(Number(top, "lifetime_revenue")!.Value.ToString("C2", EnUs));
        await Expect(topRow.Locator("[data-field='orders_count']")).ToHaveTextAsync(Number(top, "orders_count")!.Value.ToString("N0", EnUs));
        await Expect(topRow).ToContainTextAsync(top.GetProperty("email").GetString()!);
        Assert.Contains("page=customers", page.Url);

        await page.Locator("#customers-more").ClickAsync();
        await Expect(page.Locator("#customers-table tbody tr")).ToHaveCountAsync(50 + second.GetProperty("data").GetArrayLength());
        Assert.Equal(Keys(first).Concat(Keys(second)), await ShownKeysAsync(page));
        await Expect(page.Locator("#customers-more")).ToBeHiddenAsync(); // 70 customers: two pages
        await browser.ScreenshotAsync("customers-list");
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task searching_shows_the_customers_the_api_finds_and_says_so_when_none_match()
    {
        var brand = await SeededBrandAsync(server, "Search");
        var found = await GetAsync(brand.Api, "/api/v1/customers?sort=lifetime_revenue&order=desc&limit=50&search=c-1");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        await OpenPageAsync(browser, "customers", "/api/v1/customers");
        var page = browser.Page;
        await Expect(page.Locator("#customers-table tbody tr")).ToHaveCountAsync(50);

        await page.Locator("#customer-search").FillAsync("c-1");
        await Expect(page.Locator("#customers-table tbody tr")).ToHaveCountAsync(found.GetProperty("data").GetArrayLength());
        Assert.Equal(Keys(found), await ShownKeysAsync(page));
        Assert.Equal(11, Keys(found).Length); // c-1 and c-10 … c-19

        await page.Locator("#customer-sort").SelectOptionAsync("orders_count");
        await page.Locator("[data-order='asc']").ClickAsync();
        var byOrders = await GetAsync(brand.Api, "/api/v1/customers?sort=orders_count&order=asc&limit=50&search=c-1");
        await Expect(page.Locator("#customers-table tbody tr").First).ToHaveAttributeAsync("data-customer", Keys(byOrders)[0]);
        Assert.Equal(Keys(byOrders), await ShownKeysAsync(page));

        await page.Locator("#customer-search").FillAsync("nobody-here");
        await Expect(page.Locator("#customers [data-state='empty']")).ToContainTextAsync("No customer's e-mail or name starts with \"nobody-here\"");
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task the_cohort_heat_map_shows_retention_per_period_and_switches_to_revenue_per_customer()
    {
        var brand = await SeededBrandAsync(server, "Cohorts");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        var answer = await OpenPageAsync(browser, "cohorts", "/api/v1/analytics/cohorts");
        var page = browser.Page;
        var cohorts = answer.GetProperty("data").EnumerateArray().ToList();
        Assert.True(cohorts.Count >= 2, $"120 days of orders make more than one monthly cohort, the API answered {cohorts.Count}");

        await Expect(page.Locator("#cohort-table tbody tr")).ToHaveCountAsync(cohorts.Count);
        foreach (var cohort in cohorts)
        {
            var row = page.Locator($"#cohort-table tr[data-cohort='{cohort.GetProperty("cohort").GetString()}']");
            var periods = cohort.GetProperty("periods").EnumerateArray().ToList();
            await Expect(row.Locator("td.cell:not(.none)")).ToHaveCountAsync(periods.Count);
            foreach (var p in periods)
            {
                var cell = row.Locator($"td[data-k='{p.GetProperty("k").GetInt32()}']");
                var retention = Number(p, "retention");
                await Expect(cell).ToHaveAttributeAsync("data-value", retention is null ? "" : Js(retention.Value));
                await Expect(cell).ToHaveTextAsync(retention is null ? "—" : (retention.Value * 100).ToString("0.0", EnUs) + "%");
            }
            await Expect(row.Locator("[data-field='cac']")).ToHaveTextAsync(Number(cohort, "cac") is { } cac ? cac.ToString("C2", EnUs) : "—");
        }
        // Shaded by value: the first period (everyone, 100 %) is the darkest cell of its row.
        var firstRow = page.Locator("#cohort-table tbody tr").First;
        var heats = await firstRow.Locator("td.cell:not(.none)").EvaluateAllAsync<double[]>("cells => cells.map(c => parseFloat(c.style.getPropertyValue('--heat')))");
        Assert.Equal(1.0, heats[0]);
        Assert.All(heats, h => Assert.InRange(h, 0, 1));
        var colour = await firstRow.Locator("td[data-k='0']").EvaluateAsync<string>("c => getComputedStyle(c).backgroundColor");
        Assert.NotEqual("rgba(0, 0, 0, 0)", colour);

        await page.Locator("[data-cohort-metric='cumulative_revenue_per_customer']").ClickAsync();
        await Expect(page.Locator("#cohort-table")).ToHaveAttributeAsync("data-metric", "cumulative_revenue_per_customer");
        var last = cohorts[^1].GetProperty("periods")[0];
        await Expect(page.Locator($"#cohort-table tr[data-cohort='{cohorts[^1].GetProperty("cohort").GetString()}'] td[data-k='0']"))
            .ToHaveTextAsync(Number(last, "cumulative_revenue_per_customer")!.Value.ToString("C2", EnUs));
        await browser.ScreenshotAsync("cohorts-heat-map");
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task the_rfm_page_shows_the_five_by_five_grid_and_the_segments_the_api_returns()
    {
        var brand = await SeededBrandAsync(server, "Rfm");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        var answer = await OpenPageAsync(browser, "rfm", "/api/v1/analytics/rfm");
        var page = browser.Page;

        await Expect(page.Locator("#rfm-grid td.cell")).ToHaveCountAsync(25);
        foreach (var cell in answer.GetProperty("grid").EnumerateArray())
        {
            var shown = page.Locator($"#rfm-grid td[data-r='{cell.GetProperty("r").GetInt32()}'][data-f='{cell.GetProperty("f").GetInt32()}']");
            await Expect(shown).ToHaveAttributeAsync("data-customers", cell.GetProperty("customers").GetInt64().ToString());
            await Expect(shown.Locator(".cell-money")).ToHaveTextAsync(Number(cell, "revenue")!.Value.ToString("C2", EnUs));
        }
        Assert.Equal(70, answer.GetProperty("customers").GetInt64());
        var segments = answer.GetProperty("segments").EnumerateArray().ToList();
        await Expect(page.Locator("#rfm-segments tbody tr")).ToHaveCountAsync(segments.Count);
        foreach (var s in segments)
            await Expect(page.Locator($"#rfm-segments tr[data-segment=\"{s.GetProperty("name").GetString()}\"] [data-field='customers']"))
                .ToHaveTextAsync(s.GetProperty("customers").GetInt64().ToString("N0", EnUs));
        // The first row of the grid is R 5, its first cell F 1: recent one-time buyers.
        Assert.Equal("5", await page.Locator("#rfm-grid td.cell").First.GetAttributeAsync("data-r"));
        await browser.ScreenshotAsync("rfm-grid");
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task the_address_bar_keeps_the_page_so_a_reload_and_back_return_to_it()
    {
        var brand = await SeededBrandAsync(server, "Routes");
        await using var browser = await server.OpenAsync();
        await browser.SignInAsync(brand.Key);
        var page = browser.Page;
        await OpenPageAsync(browser, "rfm", "/api/v1/analytics/rfm");
        await Expect(page.Locator("#nav [data-page='rfm']")).ToHaveAttributeAsync("aria-current", "page");
        await Expect(page.Locator(".period-picker")).ToBeHiddenAsync();

        await page.ReloadAsync();
        await Expect(page.Locator("#rfm-grid")).ToBeVisibleAsync();
        await page.Locator("#nav [data-page='customers']").ClickAsync();
        await Expect(page.Locator("#customers-table")).ToBeVisibleAsync();
        await page.GoBackAsync();
        await Expect(page.Locator("#rfm-grid")).ToBeVisibleAsync();
        await page.Locator("#nav [data-page='overview']").ClickAsync();
        await Expect(page.Locator("#kpis")).ToBeVisibleAsync();
        await Expect(page.Locator(".period-picker")).ToBeVisibleAsync();
        Assert.Empty(browser.Problems);
    }
}

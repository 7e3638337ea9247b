using System.Text.Json;
using GrowHalo.Platform.Tenancy;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using Fixtures = GrowHalo.Tests.Dashboard.Browser.CustomerContractFixtures;

namespace GrowHalo.Tests.Dashboard.Browser;

/// <summary>
/// The customer pages against answers shaped like the API issue 20 describes (<see cref="CustomerContractFixtures"/>),
/// served to the browser in place of the real endpoints: how a customer's page and timeline, churn, segments and
/// checkouts render, and what failures, untrusted models and rejected segments look like. The real server's answers
/// are checked in <see cref="CustomerPagesTests"/> and <see cref="CustomerApiPagesTests"/>.
/// </summary>
[Collection(DashboardBrowserCollection.Name)]
public sealed class CustomerPagesContractTests(DashboardServer server)
{
    private sealed record Opened(BrowserPage Browser, string Key, List<IRequest> Requests);

    private async Task<Opened> OpenAsync(string hash, Func<IRoute, string, Task<bool>>? answer = null, params string[] scopes)
    {
        var brand = await server.CreateTenantAsync("Halo Skin", scopes);
        var browser = await server.OpenAsync("/dashboard" + hash);
        var requests = new List<IRequest>();
        await browser.Page.RouteAsync("**/api/v1/**", async route =>
        {
            var path = new Uri(route.Request.Url).AbsolutePath;
            requests.Add(route.Request);
            if (answer is not null && await answer(route, path)) return;
            var body = path switch
            {
                _ when path.StartsWith("/api/v1/customers/") && path.EndsWith("/timeline") => Fixtures.Timeline(),
                _ when path.StartsWith("/api/v1/customers/") => Fixtures.Customer(),
                "/api/v1/analytics/churn" => Fixtures.Churn(trusted: false),
                "/api/v1/analytics/checkouts" => Fixtures.Checkouts(),
                "/api/v1/segments" => Fixtures.Segments(),
                _ when path.EndsWith("/members") => Fixtures.Members(),
                _ => null,
            };
            if (body is null) await route.ContinueAsync();
            else await route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = body });
        });
        await browser.SignInAsync(brand.Key);
        await Expect(browser.Page.Locator("#nav")).ToBeVisibleAsync();
        return new Opened(browser, brand.Key, requests);
    }

    [Fact]
    public async Task a_customer_page_shows_the_profile_and_a_timeline_that_names_unknown_kinds_in_words()
    {
        var (browser, _, requests) = await OpenAsync("#page=customers&customer=id%3A42");
        await using var _ = browser;
        var page = browser.Page;

        await Expect(page.Locator("#customer-name")).ToHaveTextAsync("Jane <i>Doe</i>"); // text, never markup
        var detail = page.Locator("#customer-detail");
        await Expect(detail.Locator("[data-field='lifetime_revenue'] dd")).ToHaveTextAsync("€512.40");
        await Expect(detail.Locator("[data-field='accepts_marketing'] dd")).ToHaveTextAsync("Yes");
        await Expect(detail.Locator("[data-field='phone'] dd")).ToHaveTextAsync("+49 30 1234567");
        await Expect(detail.Locator("[data-field='churn'] dd")).ToHaveTextAsync("at risk 42.1% likely active");
        await Expect(detail.Locator("[data-field='rfm'] dd")).ToHaveTextAsync("Champions (R 5, F 4, M 5)");
        await Expect(page.Locator("#customer-tags .chip")).ToHaveTextAsync(["vip", "newsletter"]);
        await Expect(page.Locator("#customer-addresses")).ToContainTextAsync("Torstraße 1, Berlin, 10119, Germany");
        Assert.Contains(requests, r => r.Url.EndsWith("/api/v1/customers/id%3A42/timeline"));

        var timeline = page.Locator("#customer-timeline li");
        await Expect(timeline).ToHaveCountAsync(4);
        await Expect(timeline.Nth(0)).ToContainTextAsync("Refund");
        await Expect(timeline.Nth(0).Locator("[data-field='amount']")).ToHaveTextAsync("Amount €20.00");
        await Expect(timeline.Nth(1)).ToContainTextAsync("Order placed");
        await Expect(timeline.Nth(1).Locator("[data-field='total_price']")).ToHaveTextAsync("Total price €140.00");
        await Expect(timeline.Nth(2)).ToContainTextAsync("Checkout abandoned");
        await Expect(timeline.Nth(3)).ToContainTextAsync("Loyalty points awarded");
        await Expect(timeline.Nth(3)).ToContainTextAsync("Points: 120");
        await browser.ScreenshotAsync("contract-customer-page");

        await page.Locator("#back-to-customers").ClickAsync();
        await Expect(page.Locator("#customer-list")).ToBeVisibleAsync();
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task churn_shows_the_distribution_the_at_risk_customers_and_a_note_when_the_fit_is_not_trusted()
    {
        var (browser, _, _) = await OpenAsync("#page=churn");
        await using var _ = browser;
        var page = browser.Page;

        await Expect(page.Locator("#churn-untrusted")).ToContainTextAsync("The model's fit is not trusted (only 12 repeat customers)");
        await Expect(page.Locator("#churn-untrusted")).ToContainTextAsync("at risk after 90 days without an order");
        await Expect(page.Locator("[data-stat='active'] .stat-value")).ToHaveTextAsync("120 60.0%");
        await Expect(page.Locator("[data-stat='at_risk'] .stat-value")).ToHaveTextAsync("30 15.0%");
        await Expect(page.Locator("[data-stat='lost'] .stat-value")).ToHaveTextAsync("50 25.0%");
        await Expect(page.Locator("[data-stat='at_risk_revenue'] .stat-value")).ToHaveTextAsync("€4,321.09");
        var rows = page.Locator("#churn-customers tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0).Locator("[data-field='p_alive']")).ToHaveTextAsync("42.1%");
        await rows.Nth(0).Locator("a.customer-link").ClickAsync();
        await Expect(page.Locator("#customer-name")).ToHaveTextAsync("Jane <i>Doe</i>");
        Assert.Contains("customer=id%3A42", page.Url);
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task checkouts_show_the_figures_the_funnel_and_only_web_links_to_recover()
    {
        var (browser, _, requests) = await OpenAsync("#page=checkouts&period=7");
        await using var _ = browser;
        var page = browser.Page;

        await Expect(page.Locator("[data-stat='recovery_rate'] .stat-value")).ToHaveTextAsync("30.0%");
        await Expect(page.Locator("[data-stat='abandoned_value'] .stat-value")).ToHaveTextAsync("€1,234.50");
        await Expect(page.Locator("#checkout-funnel [data-step='orders']")).ToContainTextAsync("33 82.5% of checkouts");
        var rows = page.Locator("#checkout-list tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(page.Locator("#checkout-list a[target=_blank]")).ToHaveCountAsync(1); // javascript: is not a link
        await Expect(rows.Nth(0)).ToContainTextAsync("2 days");
        await Expect(rows.Nth(1)).ToContainTextAsync("recovered · order 1009");
        await Expect(page.Locator(".period-picker")).ToBeVisibleAsync();
        var asked = new Uri(requests.Last(r => r.Url.Contains("/analytics/checkouts")).Url).Query;
        Assert.Matches(@"start=\d{4}-\d{2}-\d{2}&end=\d{4}-\d{2}-\d{2}", asked);

        var again = await page.RunAndWaitForRequestAsync(() => page.Locator("[data-period='30']").ClickAsync(), r => r.Url.Contains("/analytics/checkouts"));
        Assert.NotEqual(asked, new Uri(again.Url).Query);
        await browser.ScreenshotAsync("contract-checkouts");
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task a_read_only_session_sees_segments_but_builds_them_only_with_an_admin_key_and_sees_rejections_beside_the_builder()
    {
        var opened = await OpenAsync("#page=segments", async (route, path) =>
        {
            if (path == "/api/v1/segments/seg_1" && route.Request.Method == "PUT")
            {
                await route.FulfillAsync(new() { Status = 400, ContentType = "application/problem+json", Body = Fixtures.SegmentProblem() });
                return true;
            }
            if (path.EndsWith("/members") && route.Request.Headers.TryGetValue("accept", out var accept) && accept == "text/csv")
            {
                await route.FulfillAsync(new() { Status = 200, ContentType = "text/csv", Body = Fixtures.MembersCsv });
                return true;
            }
            return false;
        }, Scopes.Read, Scopes.Admin);
        await using var browser = opened.Browser;
        var page = browser.Page;

        await Expect(page.Locator("#segment-readonly")).ToBeVisibleAsync();
        await Expect(page.Locator("#segment-readonly")).ToContainTextAsync("your dashboard session can only read");
        await Expect(page.Locator("#segment-name")).ToBeDisabledAsync();
        await Expect(page.Locator("#save-segment")).ToBeDisabledAsync();
        await page.Locator("[data-segment-id='seg_1']").ClickAsync();
        await Expect(page.Locator("#segment-conditions li")).ToHaveCountAsync(2);
        await Expect(page.Locator("#segment-members-table tbody tr")).ToHaveCountAsync(2);

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-csv").ClickAsync());
        Assert.Equal("Loyal-Germans.csv", download.SuggestedFilename);
        Assert.Equal(Fixtures.MembersCsv, await File.ReadAllTextAsync((await download.PathAsync())!));

        await page.Locator("#segment-admin-key").FillAsync(opened.Key);
        await page.Locator("#segment-unlock button").ClickAsync();
        await Expect(page.Locator("#save-segment")).ToBeEnabledAsync();
        await Expect(page.Locator("#segment-readonly")).ToBeHiddenAsync();

        await page.Locator("#segment-name").FillAsync("");
        await page.Locator("#segment-conditions li").Nth(1).Locator(".cond-value").FillAsync("Germany");
        await page.Locator("#save-segment").ClickAsync();
        await Expect(page.Locator("#segment-errors")).ToContainTextAsync("name must not be empty.");
        await Expect(page.Locator("#segment-conditions li").Nth(1)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("invalid"));
        await Expect(page.Locator("#segment-conditions li").Nth(1).Locator(".condition-error")).ToContainTextAsync("two-letter ISO code");
        var put = opened.Requests.Single(r => r.Method == "PUT");
        Assert.Equal(opened.Key, put.Headers["x-api-key"]);
        var body = JsonDocument.Parse(put.PostData!).RootElement;
        Assert.Equal("""{"field":"orders_count","op":"gte","value":3}""", body.GetProperty("rules").GetProperty("all")[0].GetRawText());
        Assert.Equal("""{"field":"country","op":"eq","value":"Germany"}""", body.GetProperty("rules").GetProperty("all")[1].GetRawText());
        await browser.ScreenshotAsync("contract-segments");
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task a_page_whose_answer_fails_says_why_and_its_retry_recovers()
    {
        var failures = 0;
        var (browser, _, _) = await OpenAsync("#page=churn", async (route, path) =>
        {
            if (path != "/api/v1/analytics/churn" || ++failures > 1) return false;
            await route.FulfillAsync(new() { Status = 503, ContentType = "application/problem+json",
                Body = """{"title":"Not ready","status":503,"detail":"Churn scores are being computed. Retry in a minute."}""" });
            return true;
        });
        await using var _ = browser;
        var panel = browser.Page.Locator("#churn");

        await Expect(panel.Locator("[data-state='error']")).ToContainTextAsync("Churn scores are being computed. Retry in a minute.");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
        await Expect(panel).ToHaveAttributeAsync("data-state", "ready");
        await Expect(browser.Page.Locator("#churn-customers")).ToBeVisibleAsync();
    }
}

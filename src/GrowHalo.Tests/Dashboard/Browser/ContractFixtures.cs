using System.Text.Json;

namespace GrowHalo.Tests.Dashboard.Browser;

/// <summary>
/// Answers shaped exactly like the documented v1 API (design.md, "HTTP API"), for the front-end contract tests: they
/// check how the page renders such answers (formatting, colours, empty and null values) independently of whether the
/// server already implements them. The real server's answers are checked in <see cref="MetricsPageTests"/>.
/// </summary>
public static class ContractFixtures
{
    public static string Summary(string period) => Json(new
    {
        current = new { revenue = 12345.67m, orders_count = 210, new_customers = 84, ad_spend = 3842.10m, roas = 3.2132m, cac = 45.74m, avg_order_value = 58.79m },
        previous = new { revenue = 10980.00m, orders_count = 220, new_customers = 70, ad_spend = 3430.00m, roas = 3.2012m, cac = 49.00m, avg_order_value = 49.91m },
        changes = new { revenue = 12.44m, orders_count = -4.55m, new_customers = 20.0m, ad_spend = 12.01m, roas = 0.37m, cac = -6.65m, avg_order_value = 17.79m },
        as_of = "2026-11-22T08:00:00Z",
        period,
    });

    public static string Series(DateOnly start, DateOnly end) => Json(new
    {
        data = Enumerable.Range(0, end.DayNumber - start.DayNumber + 1).Select(i => new
        {
            date = start.AddDays(i).ToString("yyyy-MM-dd"),
            revenue = 300m + i % 7 * 45m + i * 3,
            ad_spend = 110m + i % 5 * 12m,
            roas = Math.Round((300m + i % 7 * 45m + i * 3) / (110m + i % 5 * 12m), 4),
            orders_count = 5 + i % 4,
            new_customers = 2 + i % 3,
            avg_order_value = Math.Round((300m + i % 7 * 45m + i * 3) / (5 + i % 4), 2),
        }),
        as_of = "2026-11-22T08:00:00Z",
    });

    public static string BySource() => Json(new
    {
        data = new object[]
        {
            new { source = "meta", ad_spend = 2401.31m, revenue = 7716.04m, roas = 3.2133m, platform_roas = 4.1m, pct_of_total = 62.5m },
            new { source = "google", ad_spend = 1440.79m, revenue = 4629.63m, roas = 3.2133m, platform_roas = (decimal?)null, pct_of_total = 37.5m },
        },
    });

    public static string ByCampaign() => Json(new
    {
        data = new object[]
        {
            new { campaign_id = "m-100", campaign_name = "Prospecting — Halo serum", source = "meta", ad_spend = 1700.00m, revenue = 5463.00m, roas = 3.2135m, platform_roas = 4.4m, pct_of_total = 44.25m },
            new { campaign_id = "m-200", campaign_name = "<b>Retargeting</b>", source = "meta", ad_spend = 701.31m, revenue = 2253.04m, roas = 3.2126m, platform_roas = 3.37m, pct_of_total = 18.25m },
            new { campaign_id = "g-300", campaign_name = "Brand search", source = "google", ad_spend = 1440.79m, revenue = 4629.63m, roas = 3.2133m, platform_roas = 2.9m, pct_of_total = 37.5m },
        },
    });

    public static string IngestStatus() => Json(new
    {
        connections = new object[]
        {
            new { id = "cn_shop", source = "shopify", external_account_id = "halo-skin.myshopify.com", display_name = "Halo Skin store", status = "active",
                events_received = 18234, last_event_at = DateTimeOffset.UtcNow.AddMinutes(-3), cursor = new { position = new { orders = new { updated_at_min = "2026-11-22T07:55:00Z" }, products = new { updated_at_min = "2026-11-22T08:01:00Z" } },
                    last_success_at = DateTimeOffset.UtcNow.AddMinutes(-2), error_count = 0, next_attempt_at = DateTimeOffset.UtcNow.AddSeconds(25) }, last_error = (string?)null },
            new { id = "cn_meta", source = "meta", external_account_id = "act_1001", display_name = "Meta ads", status = "error",
                events_received = 3120, last_event_at = DateTimeOffset.UtcNow.AddHours(-5), cursor = new { position = new { synced_through = "2026-11-19" }, last_success_at = (DateTimeOffset?)null, error_count = 3,
                    next_attempt_at = DateTimeOffset.UtcNow.AddMinutes(4) }, last_error = "Token expired: reconnect Meta in Business settings." },
        },
        projections = new object[]
        {
            new { name = "orders", lag_events = 0, lag_seconds = 0.0, failures = 0 },
            new { name = "ad_spend", lag_events = 12, lag_seconds = 1.4, failures = 1 },
        },
        recent_rejections = new object[]
        {
            new { batch_id = "7f1c2a90-1111-4bbb-8ccc-123456789abc", index = 3, reason = "total_price: must not be negative", at = DateTimeOffset.UtcNow.AddMinutes(-12) },
        },
    });

    private static string Json(object value) => JsonSerializer.Serialize(value);
}

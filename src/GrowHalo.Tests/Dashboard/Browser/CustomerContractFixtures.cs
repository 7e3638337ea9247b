using System.Text.Json;

namespace GrowHalo.Tests.Dashboard.Browser;

/// <summary>
/// Answers shaped like the customer analytics API as issue 20 describes it (customer page and timeline, churn,
/// segments, checkouts), for <see cref="CustomerPagesContractTests"/>: how the pages render them, whether or not the
/// server in this build answers them yet.
/// </summary>
public static class CustomerContractFixtures
{
    public static object Row(string key, string email, decimal revenue, int orders, string? segment = "Champions", string? churn = "active") => new
    {
        customer_key = key, shopify_customer_id = key.StartsWith("id:") ? key[3..] : null, email, name = (string?)null, city = "Berlin", country = "DE",
        first_order_date = "2026-01-05", last_order_date = "2026-11-20", orders_count = orders, lifetime_revenue = revenue,
        avg_order_value = Math.Round(revenue / orders, 2), missing_fx_rates = false,
        rfm = segment is null ? null : new { r = 5, f = 4, m = 5, segment },
        churn = churn is null ? null : new { status = churn, p_alive = 0.91m },
    };

    public static string Customer() => Json(new
    {
        customer_key = "id:42", shopify_customer_id = "42", email = "jane@example.com", name = "Jane <i>Doe</i>", city = "Berlin", country = "DE",
        first_order_date = "2026-01-05", last_order_date = "2026-11-20", orders_count = 4, lifetime_revenue = 512.40m, avg_order_value = 128.10m,
        missing_fx_rates = false, rfm = new { r = 5, f = 4, m = 5, segment = "Champions" }, churn = new { status = "at_risk", p_alive = 0.4213m },
        addresses = new object[] { new { address1 = "Torstraße 1", city = "Berlin", zip = "10119", country = "Germany", @default = true } },
        tags = new[] { "vip", "newsletter" }, accepts_marketing = true, phone = "+49 30 1234567", currency = "EUR", as_of = "2026-11-22T08:00:00Z",
    });

    public static string Timeline() => Json(new
    {
        data = new object[]
        {
            new { at = "2026-11-20T10:15:00Z", kind = "refund", amount = 20.00m, order_id = "1003" },
            new { at = "2026-11-18T09:00:00Z", kind = "order_created", order_id = "1003", total_price = 140.00m },
            new { at = "2026-11-17T18:30:00Z", kind = "checkout_abandoned", value = 99.90m, checkout_id = "c-77" },
            new { at = "2026-11-01T08:00:00Z", kind = "loyalty_points_awarded", points = 120 },
        },
        currency = "EUR", as_of = "2026-11-22T08:00:00Z",
    });

    public static string Churn(bool trusted) => Json(new
    {
        parameters = new { r = 0.243m, alpha = 4.414m, a = 0.793m, b = 2.426m }, log_likelihood = -9582.43m, trusted, repeat_customers = trusted ? 1500 : 12,
        rule = "at risk after 90 days without an order, lost after 180", distribution = new { active = 120, at_risk = 30, lost = 50 },
        at_risk_revenue = 4321.09m,
        data = new object[]
        {
            new { customer_key = "id:42", email = "jane@example.com", p_alive = 0.4213m, expected_orders_90d = 0.31m, status = "at_risk", lifetime_revenue = 512.40m, last_order_date = "2026-08-01" },
            new { customer_key = "email:bo@example.com", email = "bo@example.com", p_alive = 0.35m, expected_orders_90d = 0.2m, status = "at_risk", lifetime_revenue = 99.00m, last_order_date = "2026-07-11" },
        },
        as_of = "2026-11-22T08:00:00Z", scored_at = "2026-11-22T07:00:00Z", currency = "EUR",
    });

    public static string Checkouts() => Json(new
    {
        started = 40, abandoned = 10, recovered = 3, recovery_rate = 0.3m, abandoned_value = 1234.50m, recovered_revenue = 345.60m,
        funnel = new { carts = 100, checkouts = 40, orders = 33 },
        data = new object[]
        {
            new { checkout_id = "c-1", abandoned_checkout_url = "https://halo-skin.myshopify.com/123/checkouts/abc/recover", customer_key = "id:42", email = "jane@example.com",
                value = 99.90m, currency = "EUR", created_at = "2026-11-20T10:00:00Z", age_hours = 50.5m, recovered = false, recovering_order_id = (string?)null },
            new { checkout_id = "c-2", abandoned_checkout_url = "javascript:alert(1)", customer_key = (string?)null, email = (string?)null,
                value = 45.00m, currency = "EUR", created_at = "2026-11-19T10:00:00Z", age_hours = 74m, recovered = true, recovering_order_id = "1009" },
        },
        as_of = "2026-11-22T08:00:00Z", currency = "EUR",
    });

    public static string Segments() => Json(new
    {
        data = new object[]
        {
            new { id = "seg_1", name = "Loyal Germans", rules = new { all = new object[] { new { field = "orders_count", op = "gte", value = 3 }, new { field = "country", op = "eq", value = "DE" } } }, members = 2 },
            new { id = "seg_2", name = "Lapsing", rules = new { any = new object[] { new { field = "churn_status", op = "in", value = new[] { "at_risk", "lost" } } } }, members = 0 },
        },
    });

    public static string Members() => Json(new
    {
        data = new[] { Row("id:42", "jane@example.com", 512.40m, 4), Row("email:bo@example.com", "bo@example.com", 301.00m, 3, null, null) },
        next_cursor = (string?)null, currency = "EUR", as_of = "2026-11-22T08:00:00Z",
    });

    public const string MembersCsv = "customer_key,email,orders_count,lifetime_revenue\nid:42,jane@example.com,4,512.40\nemail:bo@example.com,bo@example.com,3,301.00\n";

    public static string SegmentProblem() => Json(new
    {
        type = "https://tools.ietf.org/html/rfc9110#section-15.5.1", title = "One or more validation errors occurred.", status = 400,
        errors = new Dictionary<string, string[]>
        {
            ["name"] = ["must not be empty."],
            ["rules.all[1].value"] = ["country must be a two-letter ISO code, got \"Germany\"."],
        },
    });

    private static string Json(object value) => JsonSerializer.Serialize(value);
}

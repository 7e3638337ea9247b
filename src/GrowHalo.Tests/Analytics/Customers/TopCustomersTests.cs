using System.Net;
using System.Text.Json;
using Alba;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Customers;

/// <summary>
/// GET /api/v1/analytics/top-customers: by lifetime net revenue, or by net revenue of orders placed in a window, in
/// the reporting currency; ties by customer key; test and cancelled orders never count.
/// </summary>
public sealed class TopCustomersTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static DateTimeOffset Utc(int month, int day, int hour = 12) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task customers_by_lifetime_net_revenue_ties_by_key()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(1, Utc(1, 5), 100m, CustomerId: 1, Email: "one@example.com")),
            Order(shop.Id, new OrderSpec(2, Utc(3, 5), 60m, CustomerId: 1, Email: "one@example.com",
                Refunds: [new RefundSpec(21, Utc(3, 6), 20m)])),                      // net 40: lifetime 140
            Order(shop.Id, new OrderSpec(3, Utc(2, 5), 150m, CustomerId: 2)),         // 150
            Order(shop.Id, new OrderSpec(4, Utc(2, 6), 140m, CustomerId: 3)),         // 140: ties with 1, key id:1 first
            Order(shop.Id, new OrderSpec(5, Utc(2, 7), 900m, CustomerId: 4, Test: true)),
            Order(shop.Id, new OrderSpec(6, Utc(2, 8), 800m, CustomerId: 5, CancelledAt: Utc(2, 9))),
            Order(shop.Id, new OrderSpec(7, Utc(2, 9), 10m, Email: "guest@example.com")));

        var json = await shop.GetAsync("/api/v1/analytics/top-customers?limit=3");

        var rows = json.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["id:2", "id:1", "id:3"], rows.Select(r => r.GetProperty("customer_key").GetString()));
        var one = rows[1];
        Assert.Equal("1", one.GetProperty("shopify_customer_id").GetString());
        Assert.Equal("one@example.com", one.GetProperty("email").GetString());
        Assert.Equal(2, one.GetProperty("orders_count").GetInt32());
        Assert.Equal(140m, one.GetProperty("lifetime_revenue").GetDecimal());
        Assert.Equal(70m, one.GetProperty("avg_order_value").GetDecimal());
        Assert.Equal("2026-01-05", one.GetProperty("first_order_date").GetString());
        Assert.Equal("2026-03-05", one.GetProperty("last_order_date").GetString());
        Assert.Equal(JsonValueKind.Null, one.GetProperty("window_revenue").ValueKind);
        Assert.Equal("USD", json.GetProperty("currency").GetString());

        var all = await shop.GetAsync("/api/v1/analytics/top-customers?limit=100");
        Assert.Equal(4, all.GetProperty("data").GetArrayLength()); // the guest by e-mail too; never the test or cancelled buyers
        Assert.Contains(all.GetProperty("data").EnumerateArray(), r => r.GetProperty("customer_key").GetString() == "email:guest@example.com");
    }

    [Fact]
    public async Task with_a_window_customers_rank_by_what_they_spent_in_it_at_each_days_rate()
    {
        var shop = await app.CreateTenantAsync();
        await shop.PostAsync("/api/v1/fx-rates", new { rates = new[] { new { date = "2026-03-03", from = "EUR", to = "USD", rate = 2m } } });
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(11, Utc(1, 5), 1000m, CustomerId: 11)),       // big spender, but before the window
            Order(shop.Id, new OrderSpec(12, Utc(3, 2), 50m, CustomerId: 11)),         // in: 50
            Order(shop.Id, new OrderSpec(13, Utc(3, 3), 40m, Currency: "EUR", CustomerId: 12)), // in: 40 EUR = 80 USD
            Order(shop.Id, new OrderSpec(14, Utc(3, 4), 90m, CustomerId: 13,
                Refunds: [new RefundSpec(41, Utc(3, 20), 30m)])),                      // in: 90 − 30 refunded later = 60
            Order(shop.Id, new OrderSpec(15, Utc(3, 12), 500m, CustomerId: 14)));      // after the window

        var json = await shop.GetAsync("/api/v1/analytics/top-customers?start=2026-03-01&end=2026-03-10");

        var rows = json.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["id:12", "id:13", "id:11"], rows.Select(r => r.GetProperty("customer_key").GetString()));
        Assert.Equal([80m, 60m, 50m], rows.Select(r => r.GetProperty("window_revenue").GetDecimal()));
        Assert.Equal(1050m, rows[2].GetProperty("lifetime_revenue").GetDecimal());
        Assert.Equal("2026-03-01", json.GetProperty("start").GetString());
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=101", "limit")]
    [InlineData("?start=2026-03-01", "end")]
    public async Task an_unusable_request_is_a_400_naming_the_field(string query, string field)
    {
        var shop = await app.CreateTenantAsync();
        var problem = await shop.BadRequestAsync("/api/v1/analytics/top-customers" + query);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}

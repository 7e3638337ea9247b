using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Metrics;

/// <summary>GET /api/v1/metrics/summary: windows ending today in the tenant's time zone, previous window, changes, ratios.</summary>
public sealed class SummaryTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    // MetricsApp's clock reads 2026-03-18T12:00Z: 18 March in UTC, already 19 March in Auckland (UTC+13).
    private static DateTimeOffset Utc(int month, int day, int hour = 12) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task last_7_days_is_the_seven_days_ending_today_and_previous_is_the_seven_before()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(1, Utc(3, 12), 100m, CustomerId: 1)),   // first day of the window
            Order(shop.Id, new OrderSpec(2, Utc(3, 18), 50m, CustomerId: 2)),    // today
            Order(shop.Id, new OrderSpec(3, Utc(3, 11), 40m, CustomerId: 1)),    // last day of the previous window
            Order(shop.Id, new OrderSpec(4, Utc(3, 5), 10m, CustomerId: 3)),     // first day of the previous window
            Order(shop.Id, new OrderSpec(5, Utc(3, 4), 999m, CustomerId: 4)),    // before both
            Ad(shop.Id, new AdSpec("meta", "c1", new DateOnly(2026, 3, 15), 60m)));

        var json = await shop.GetAsync("/api/v1/metrics/summary?period=last_7_days");

        Assert.Equal("2026-03-12", json.GetProperty("period").GetProperty("start").GetString());
        Assert.Equal("2026-03-18", json.GetProperty("period").GetProperty("end").GetString());
        Assert.Equal("2026-03-05", json.GetProperty("previous_period").GetProperty("start").GetString());
        Assert.Equal("2026-03-11", json.GetProperty("previous_period").GetProperty("end").GetString());
        var current = json.GetProperty("current");
        Assert.Equal(150m, current.GetProperty("revenue").GetDecimal());
        Assert.Equal(2, current.GetProperty("orders_count").GetInt32());
        Assert.Equal(1, current.GetProperty("new_customers").GetInt32()); // customer 1's first order was on 11 March
        Assert.Equal(60m, current.GetProperty("ad_spend").GetDecimal());
        Assert.Equal(2.5m, current.GetProperty("roas").GetDecimal());
        Assert.Equal(60m, current.GetProperty("cac").GetDecimal());
        Assert.Equal(75m, current.GetProperty("avg_order_value").GetDecimal());
        var previous = json.GetProperty("previous");
        Assert.Equal(50m, previous.GetProperty("revenue").GetDecimal());
        Assert.Equal(2, previous.GetProperty("new_customers").GetInt32());
        var changes = json.GetProperty("changes");
        Assert.Equal(200m, changes.GetProperty("revenue").GetDecimal());          // 50 → 150
        Assert.Equal(-50m, changes.GetProperty("new_customers").GetDecimal());    // 2 → 1
        Assert.Equal("USD", json.GetProperty("currency").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, json.GetProperty("as_of").ValueKind);
    }

    [Fact]
    public async Task ratios_and_changes_are_null_when_their_denominator_is_zero()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id, Order(shop.Id, new OrderSpec(10, Utc(3, 17), 30m)));  // anonymous: no customer

        var json = await shop.GetAsync("/api/v1/metrics/summary?period=last_30_days");

        var current = json.GetProperty("current");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, current.GetProperty("roas").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, current.GetProperty("cac").ValueKind);
        Assert.Equal(30m, current.GetProperty("avg_order_value").GetDecimal());
        var previous = json.GetProperty("previous");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, previous.GetProperty("avg_order_value").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("changes").GetProperty("revenue").ValueKind);
        Assert.Equal(30, json.GetProperty("period").GetProperty("days").GetInt32());
        Assert.Equal(30, json.GetProperty("previous_period").GetProperty("days").GetInt32());
    }

    [Fact]
    public async Task today_is_the_tenants_own_day()
    {
        var shop = await app.CreateTenantAsync(timeZone: "Pacific/Auckland");
        await app.AppendAsync(shop.Id, Order(shop.Id, new OrderSpec(20, Utc(3, 18, 11), 70m, CustomerId: 20))); // 19 March, 00:00 in Auckland

        var json = await shop.GetAsync("/api/v1/metrics/summary?period=last_7_days");

        Assert.Equal("2026-03-19", json.GetProperty("period").GetProperty("end").GetString());
        Assert.Equal(70m, json.GetProperty("current").GetProperty("revenue").GetDecimal());
    }

    [Fact]
    public async Task a_custom_window_compares_with_the_same_number_of_days_right_before_it()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(30, Utc(2, 1), 10m)), Order(shop.Id, new OrderSpec(31, Utc(1, 29), 20m)),
            Order(shop.Id, new OrderSpec(32, Utc(1, 28), 40m)));

        var json = await shop.GetAsync("/api/v1/metrics/summary?start=2026-01-31&end=2026-02-02");

        Assert.Equal("2026-01-28", json.GetProperty("previous_period").GetProperty("start").GetString());
        Assert.Equal("2026-01-30", json.GetProperty("previous_period").GetProperty("end").GetString());
        Assert.Equal(10m, json.GetProperty("current").GetProperty("revenue").GetDecimal());
        Assert.Equal(60m, json.GetProperty("previous").GetProperty("revenue").GetDecimal());
        Assert.Equal(-83.33m, json.GetProperty("changes").GetProperty("revenue").GetDecimal());
    }
}

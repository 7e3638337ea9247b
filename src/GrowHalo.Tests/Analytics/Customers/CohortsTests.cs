using System.Net;
using System.Text.Json;
using Alba;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Customers;

/// <summary>
/// GET /api/v1/analytics/cohorts: customers by the period of their first counted order; per period since, active
/// customers, retention, net revenue (refunds in the period they were made), cumulative revenue per customer; CAC
/// from the first period's ad spend, LTV÷CAC, payback.
/// </summary>
public sealed class CohortsTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static DateTimeOffset Utc(int month, int day, int hour = 12) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    private static JsonElement CohortOf(JsonElement json, string start) =>
        json.GetProperty("data").EnumerateArray().Single(c => c.GetProperty("cohort").GetString() == start);

    [Fact]
    public async Task monthly_cohorts_with_retention_revenue_cac_and_payback()
    {
        var shop = await app.CreateTenantAsync(); // MetricsApp's today: 18 March 2026
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(1, Utc(1, 10), 100m, CustomerId: 1)),                       // A: January cohort
            Order(shop.Id, new OrderSpec(2, Utc(2, 5), 50m, CustomerId: 1)),
            Order(shop.Id, new OrderSpec(3, Utc(3, 3), 30m, CustomerId: 1, Refunds: [new RefundSpec(31, Utc(3, 4), 10m)])),
            Order(shop.Id, new OrderSpec(4, Utc(1, 20), 200m, CustomerId: 2,                          // B: January
                Refunds: [new RefundSpec(41, Utc(2, 10), 50m)])),                                    // refunded in February
            Order(shop.Id, new OrderSpec(5, Utc(1, 25), 20m, Email: "guest@example.com")),          // a guest: January
            Order(shop.Id, new OrderSpec(6, Utc(1, 26), 500m, CustomerId: 5, Test: true)),           // a test order: no one
            Order(shop.Id, new OrderSpec(7, Utc(2, 2), 80m, CustomerId: 3)),                         // C: February
            Order(shop.Id, new OrderSpec(8, Utc(3, 9), 150m, CustomerId: 3)),
            Ad(shop.Id, new AdSpec("meta", "c1", new DateOnly(2026, 1, 15), 120m)),
            Ad(shop.Id, new AdSpec("meta", "c1", new DateOnly(2026, 2, 15), 200m)));

        var json = await shop.GetAsync("/api/v1/analytics/cohorts?start=2026-01-01&end=2026-03-31&granularity=month");

        Assert.Equal(["2026-01-01", "2026-02-01"], json.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("cohort").GetString()));
        var january = CohortOf(json, "2026-01-01");
        Assert.Equal(3, january.GetProperty("size").GetInt64());
        Assert.Equal(40m, january.GetProperty("cac").GetDecimal());                 // 120 ÷ 3
        Assert.Equal(0, january.GetProperty("payback_period").GetInt32());
        var periods = january.GetProperty("periods").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], periods.Select(p => p.GetProperty("k").GetInt32()));  // January to March (today)
        Assert.Equal([3L, 1L, 1L], periods.Select(p => p.GetProperty("active_customers").GetInt64()));
        Assert.Equal(1m, periods[0].GetProperty("retention").GetDecimal());
        Assert.Equal(0.3333m, periods[1].GetProperty("retention").GetDecimal());
        Assert.Equal([320m, 0m, 20m], periods.Select(p => p.GetProperty("revenue").GetDecimal())); // Feb: 50 − B's 50 refund
        Assert.Equal([106.67m, 106.67m, 113.33m], periods.Select(p => p.GetProperty("cumulative_revenue_per_customer").GetDecimal()));
        Assert.Equal(2.6667m, periods[0].GetProperty("ltv_to_cac").GetDecimal());

        var february = CohortOf(json, "2026-02-01");
        Assert.Equal(1, february.GetProperty("size").GetInt64());
        Assert.Equal(200m, february.GetProperty("cac").GetDecimal());
        Assert.Equal(1, february.GetProperty("payback_period").GetInt32());          // 80 after February, 230 after March
        Assert.Equal([80m, 230m], february.GetProperty("periods").EnumerateArray().Select(p => p.GetProperty("cumulative_revenue_per_customer").GetDecimal()));
    }

    [Fact]
    public async Task weekly_cohorts_start_on_monday_and_payback_is_null_until_reached()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(20, Utc(3, 8), 10m, CustomerId: 20)),   // Sunday 8 March: the week of Monday 2 March
            Order(shop.Id, new OrderSpec(21, Utc(3, 9), 10m, CustomerId: 21)),   // Monday 9 March: the next week
            Ad(shop.Id, new AdSpec("google", "g1", new DateOnly(2026, 3, 10), 100m)));

        var json = await shop.GetAsync("/api/v1/analytics/cohorts?start=2026-03-01&end=2026-03-18&granularity=week");

        Assert.Equal(["2026-03-02", "2026-03-09"], json.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("cohort").GetString()));
        var second = CohortOf(json, "2026-03-09");
        Assert.Equal(100m, second.GetProperty("cac").GetDecimal());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("payback_period").ValueKind);
        Assert.Equal(0.1m, second.GetProperty("periods")[0].GetProperty("ltv_to_cac").GetDecimal());
        var first = CohortOf(json, "2026-03-02");
        Assert.Equal(0m, first.GetProperty("cac").GetDecimal());                     // no ad spend that week
        Assert.Equal(JsonValueKind.Null, first.GetProperty("periods")[0].GetProperty("ltv_to_cac").ValueKind);
        Assert.Equal(3, first.GetProperty("periods").GetArrayLength());              // weeks of 2, 9 and 16 March
    }

    [Theory]
    [InlineData("?granularity=day", "granularity")]
    [InlineData("?start=2026-03-01", "end")]
    public async Task an_unusable_request_is_a_400_naming_the_field(string query, string field)
    {
        var shop = await app.CreateTenantAsync();
        var problem = await shop.BadRequestAsync("/api/v1/analytics/cohorts" + query);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}

using System.Text.Json;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Customers;

/// <summary>
/// The cohorts answer is kept by the commerce projection as orders arrive (Modeling/0309_cohort_periods.sql): orders
/// that move between customers or days, orders cancelled later, refunds that arrive alone, and exchange rates loaded
/// after the orders all end in the same answer as computing it afresh.
/// </summary>
public sealed class CohortsAfterChangesTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static DateTimeOffset Utc(int month, int day, int hour = 12) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, JsonElement> Cohorts(JsonElement json) =>
        json.GetProperty("data").EnumerateArray().ToDictionary(c => c.GetProperty("cohort").GetString()!);

    private static decimal[] Revenue(JsonElement cohort) =>
        cohort.GetProperty("periods").EnumerateArray().Select(p => p.GetProperty("revenue").GetDecimal()).ToArray();

    private static long[] Active(JsonElement cohort) =>
        cohort.GetProperty("periods").EnumerateArray().Select(p => p.GetProperty("active_customers").GetInt64()).ToArray();

    [Fact]
    public async Task customers_change_cohort_when_their_orders_move_between_customers_and_days()
    {
        var shop = await app.CreateTenantAsync(); // MetricsApp's today: 18 March 2026
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(1, Utc(2, 10), 100m, CustomerId: 1)),
            Order(shop.Id, new OrderSpec(2, Utc(2, 12), 50m, CustomerId: 2)),
            Order(shop.Id, new OrderSpec(3, Utc(3, 5), 30m, CustomerId: 2)),
            Order(shop.Id, new OrderSpec(4, Utc(1, 15), 70m, CustomerId: 3)));
        const string url = "/api/v1/analytics/cohorts?start=2026-01-01&end=2026-03-31";
        var before = Cohorts(await shop.GetAsync(url));
        Assert.Equal(2, before["2026-02-01"].GetProperty("size").GetInt64());
        Assert.Equal(1, before["2026-01-01"].GetProperty("size").GetInt64());

        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(1, Utc(1, 20), 100m, CustomerId: 1, UpdatedAt: Utc(3, 10))),   // placed in January after all
            Order(shop.Id, new OrderSpec(2, Utc(2, 12), 50m, CustomerId: 1, UpdatedAt: Utc(3, 10))),    // now customer 1's
            Order(shop.Id, new OrderSpec(4, Utc(1, 15), 70m, CustomerId: 3, CancelledAt: Utc(3, 10), UpdatedAt: Utc(3, 10))),
            Refund(shop.Id, 3, new RefundSpec(31, Utc(3, 11), 10m)));                                    // a refund alone, in March

        var after = Cohorts(await shop.GetAsync(url));

        Assert.Equal(["2026-01-01", "2026-03-01"], after.Keys.Order());  // February emptied; customer 3 counts nowhere
        Assert.Equal(1, after["2026-01-01"].GetProperty("size").GetInt64());
        Assert.Equal([1L, 1L, 0L], Active(after["2026-01-01"]));
        Assert.Equal([100m, 50m, 0m], Revenue(after["2026-01-01"]));
        Assert.Equal(1, after["2026-03-01"].GetProperty("size").GetInt64());     // customer 2: first counted order 5 March
        Assert.Equal([20m], Revenue(after["2026-03-01"]));                       // 30 − the 10 refunded

        var weekly = Cohorts(await shop.GetAsync("/api/v1/analytics/cohorts?start=2026-01-01&end=2026-03-18&granularity=week"));
        Assert.Equal(["2026-01-19", "2026-03-02"], weekly.Keys.Order());          // Tuesday 20 January, Thursday 5 March
        Assert.Equal(100m, Revenue(weekly["2026-01-19"])[0]);
        Assert.Equal(50m, Revenue(weekly["2026-01-19"])[3]);                      // the week of Monday 9 February
        Assert.Equal([30m, -10m, 0m], Revenue(weekly["2026-03-02"]));            // refunded in the week of 9 March
    }

    [Fact]
    public async Task revenue_is_converted_at_each_days_rate_including_rates_loaded_after_the_orders()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(10, Utc(2, 3), 100m, Currency: "EUR", CustomerId: 10,
                Refunds: [new RefundSpec(101, Utc(3, 2), 10m)])),
            Order(shop.Id, new OrderSpec(11, Utc(2, 4), 40m, CustomerId: 11)));
        const string url = "/api/v1/analytics/cohorts?start=2026-02-01&end=2026-02-28";
        Assert.Equal([40m, 0m], Revenue(Cohorts(await shop.GetAsync(url))["2026-02-01"])); // no EUR rate yet: left out

        await shop.PostAsync("/api/v1/fx-rates", new
        {
            rates = new[] { new { date = "2026-02-03", from = "EUR", to = "USD", rate = 2m }, new { date = "2026-03-02", from = "EUR", to = "USD", rate = 3m } },
        });

        var february = Cohorts(await shop.GetAsync(url))["2026-02-01"];
        Assert.Equal(2, february.GetProperty("size").GetInt64());
        Assert.Equal([240m, -30m], Revenue(february));                            // 100 EUR × 2 + 40; 10 EUR × 3 refunded in March
        Assert.Equal([2L, 0L], Active(february));
    }
}

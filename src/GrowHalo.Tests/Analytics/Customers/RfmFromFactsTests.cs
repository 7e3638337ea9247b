using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Customers;

/// <summary>
/// RFM as of a day after which nothing counted happens is read from the customers' facts; an order placed or a refund
/// made after the day still leaves it out, as the definition says.
/// </summary>
public sealed class RfmFromFactsTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static DateTimeOffset Utc(int month, int day, int hour = 12) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task todays_rfm_leaves_out_orders_and_refunds_dated_after_today()
    {
        var shop = await app.CreateTenantAsync(); // MetricsApp's today: 18 March 2026
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(1, Utc(3, 1), 100m, CustomerId: 1, Refunds: [new RefundSpec(11, Utc(3, 25), 40m)])),
            Order(shop.Id, new OrderSpec(2, Utc(3, 20), 10m, CustomerId: 2)),
            Order(shop.Id, new OrderSpec(3, Utc(3, 2), 25m, CustomerId: 3)),
            Order(shop.Id, new OrderSpec(4, Utc(3, 21), 25m, CustomerId: 3)));

        var today = await shop.GetAsync("/api/v1/analytics/rfm");
        Assert.Equal(2, today.GetProperty("customers").GetInt64());               // customer 2's only order is after today
        Assert.Equal(125m, today.GetProperty("grid").EnumerateArray().Sum(c => c.GetProperty("revenue").GetDecimal())); // 100 unrefunded + 25

        var later = await shop.GetAsync("/api/v1/analytics/rfm?as_of=2026-03-31");  // nothing after: the facts answer
        Assert.Equal(3, later.GetProperty("customers").GetInt64());
        Assert.Equal(120m, later.GetProperty("grid").EnumerateArray().Sum(c => c.GetProperty("revenue").GetDecimal())); // 60 + 10 + 50
        Assert.Equal(1, later.GetProperty("grid").EnumerateArray()
            .Single(c => c.GetProperty("r").GetInt32() == 4 && c.GetProperty("f").GetInt32() == 4).GetProperty("customers").GetInt64()); // customer 3: 2 of 3 worse on both
    }
}

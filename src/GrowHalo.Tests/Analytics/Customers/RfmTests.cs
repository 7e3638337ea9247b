using System.Net;
using System.Text.Json;
using Alba;
using GrowHalo.Analytics.Customers;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Customers;

/// <summary>
/// GET /api/v1/analytics/rfm: recency and frequency scored 1–5 by how many customers are strictly worse, equal values
/// equal scores; the 5×5 grid and the named segments with customers, revenue and share; as of a day.
/// </summary>
public sealed class RfmTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static DateTimeOffset Utc(int month, int day, int hour = 12) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    private static JsonElement Cell(JsonElement rfm, int r, int f) =>
        rfm.GetProperty("grid").EnumerateArray().Single(c => c.GetProperty("r").GetInt32() == r && c.GetProperty("f").GetInt32() == f);

    private static JsonElement Segment(JsonElement rfm, string name) =>
        rfm.GetProperty("segments").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    [Fact]
    public async Task five_customers_spread_over_the_diagonal_and_their_segments()
    {
        var shop = await app.CreateTenantAsync();
        // Customer i (1..5) last ordered on 1 + i March and placed i orders of 10: the later, the more often.
        var events = new List<GrowHalo.Platform.Events.NewEvent>();
        for (var i = 1; i <= 5; i++)
            for (var k = 0; k < i; k++)
                events.Add(Order(shop.Id, new OrderSpec(100 * i + k, Utc(3, 1 + i) - TimeSpan.FromDays(k), 10m, CustomerId: i)));
        await app.AppendAsync(shop.Id, [.. events]);

        var rfm = await shop.GetAsync("/api/v1/analytics/rfm?as_of=2026-03-10");

        Assert.Equal("2026-03-10", rfm.GetProperty("as_of").GetString());
        Assert.Equal(5, rfm.GetProperty("customers").GetInt64());
        Assert.Equal(25, rfm.GetProperty("grid").GetArrayLength());
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(1, Cell(rfm, i, i).GetProperty("customers").GetInt64());
            Assert.Equal(10m * i, Cell(rfm, i, i).GetProperty("revenue").GetDecimal());
        }
        Assert.Equal(0, Cell(rfm, 5, 1).GetProperty("customers").GetInt64());
        Assert.Equal(2, Segment(rfm, "Champions").GetProperty("customers").GetInt64());     // (5,5), (4,4)
        Assert.Equal(90m, Segment(rfm, "Champions").GetProperty("revenue").GetDecimal());
        Assert.Equal(0.4m, Segment(rfm, "Champions").GetProperty("share").GetDecimal());
        Assert.Equal(1, Segment(rfm, "Loyal").GetProperty("customers").GetInt64());         // (3,3)
        Assert.Equal(1, Segment(rfm, "Hibernating").GetProperty("customers").GetInt64());   // (2,2)
        Assert.Equal(1, Segment(rfm, "Lost").GetProperty("customers").GetInt64());          // (1,1)
        Assert.Equal(5, rfm.GetProperty("segments").EnumerateArray().Sum(s => s.GetProperty("customers").GetInt64()));
    }

    [Fact]
    public async Task equal_values_score_equally_and_as_of_leaves_out_what_came_later()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(1, Utc(3, 5), 10m, CustomerId: 1)),   // 1 and 2 tie on both measures
            Order(shop.Id, new OrderSpec(2, Utc(3, 5), 10m, CustomerId: 2)),
            Order(shop.Id, new OrderSpec(3, Utc(3, 1), 10m, CustomerId: 3)),
            Order(shop.Id, new OrderSpec(4, Utc(3, 15), 10m, CustomerId: 3,    // after as_of: not counted, not recent
                Refunds: [new RefundSpec(41, Utc(3, 16), 5m)])),
            Order(shop.Id, new OrderSpec(5, Utc(3, 2), 50m, CustomerId: 4,
                Refunds: [new RefundSpec(51, Utc(3, 12), 20m)])),              // refunded after as_of: still 50
            Order(shop.Id, new OrderSpec(6, Utc(3, 12), 10m, CustomerId: 5))); // first order after as_of: not a customer yet

        var rfm = await shop.GetAsync("/api/v1/analytics/rfm?as_of=2026-03-10");

        Assert.Equal(4, rfm.GetProperty("customers").GetInt64());
        // Recency: 3 (1 Mar) worst w=0 → 1; 4 (2 Mar) w=1 → 2; 1 and 2 (5 Mar) w=2 → 1 + ⌊10/4⌋ = 3. Frequency: all 1 → 1.
        Assert.Equal(1, Cell(rfm, 1, 1).GetProperty("customers").GetInt64());
        Assert.Equal(1, Cell(rfm, 2, 1).GetProperty("customers").GetInt64());
        Assert.Equal(50m, Cell(rfm, 2, 1).GetProperty("revenue").GetDecimal());
        Assert.Equal(2, Cell(rfm, 3, 1).GetProperty("customers").GetInt64());
        Assert.Equal(2, Segment(rfm, "Needs attention").GetProperty("customers").GetInt64());

        var today = await shop.GetAsync("/api/v1/analytics/rfm"); // MetricsApp's today, 18 March: customer 5 is in
        Assert.Equal("2026-03-18", today.GetProperty("as_of").GetString());
        Assert.Equal(5, today.GetProperty("customers").GetInt64());
    }

    [Fact]
    public void every_cell_of_the_grid_is_in_exactly_one_segment()
    {
        for (var r = 1; r <= 5; r++)
            for (var f = 1; f <= 5; f++)
                Assert.Single(RfmSegments.All, s => s.Contains(r, f));
    }

    [Fact]
    public async Task a_tenant_without_customers_has_an_empty_grid_and_null_shares()
    {
        var shop = await app.CreateTenantAsync();
        var rfm = await shop.GetAsync("/api/v1/analytics/rfm");
        Assert.Equal(0, rfm.GetProperty("customers").GetInt64());
        Assert.All(rfm.GetProperty("segments").EnumerateArray(), s => Assert.Equal(JsonValueKind.Null, s.GetProperty("share").ValueKind));
    }

    [Fact]
    public async Task an_as_of_that_is_not_a_date_is_a_400()
    {
        var shop = await app.CreateTenantAsync();
        var problem = await shop.BadRequestAsync("/api/v1/analytics/rfm?as_of=yesterday");
        Assert.Contains("YYYY-MM-DD", problem.GetProperty("errors").GetProperty("as_of")[0].GetString());
    }
}

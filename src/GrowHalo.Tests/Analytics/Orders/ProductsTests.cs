using System.Text.Json;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Analytics.Orders.OrderRecords;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Orders;

/// <summary>
/// GET /api/v1/products: units, orders and net revenue per product over counted orders placed in the window, refunds
/// spread over an order's lines by their share of its line total (capped at the lines), in the reporting currency.
/// </summary>
public sealed class ProductsTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static List<string> Rows(JsonElement json) => json.GetProperty("data").EnumerateArray().Select(r =>
        $"{r.GetProperty("product_id").GetString()} {r.GetProperty("title").GetString()} units={r.GetProperty("units_sold")} " +
        $"orders={r.GetProperty("orders")} gross={r.GetProperty("gross_revenue").GetDecimal():0.##} " +
        $"refunds={r.GetProperty("refunds").GetDecimal():0.##} net={r.GetProperty("net_revenue").GetDecimal():0.##}").ToList();

    [Fact]
    public async Task units_orders_and_net_revenue_per_product_in_the_window()
    {
        var shop = await app.CreateTenantAsync();
        await shop.PostAsync("/api/v1/fx-rates", new { rates = new[] { new { date = "2026-03-03", from = "EUR", to = "USD", rate = 2m } } });
        await app.AppendAsync(shop.Id,
            Product(shop.Id, 77, "Classic Tee"),
            // 2 × 10 tee + 30 cap = 50 of lines; 25 refunded: the tee bears 10, the cap 15
            OrderRecords.Order(shop.Id, new OrderSpec(1, Utc(3, 2), 50m, CustomerId: 1, Refunds: [new RefundSpec(11, Utc(3, 20), 25m)]),
                Lines((77, "Tee", 2, 10m), (88, "Cap", 1, 30m))),
            // 1 × 10 EUR at 2 = 20 USD
            OrderRecords.Order(shop.Id, new OrderSpec(2, Utc(3, 3), 10m, Currency: "EUR", CustomerId: 2), Lines((77, "Tee", 1, 10m))),
            // lines 40 + 20 shipping; all 60 refunded: the lines lose their 40, no more
            OrderRecords.Order(shop.Id, new OrderSpec(3, Utc(3, 4), 60m, CustomerId: 3, Refunds: [new RefundSpec(31, Utc(3, 5), 60m)]),
                Lines((99, "Mug", 4, 10m))),
            OrderRecords.Order(shop.Id, new OrderSpec(4, Utc(3, 4), 900m, CustomerId: 4, Test: true), Lines((88, "Cap", 30, 30m))),
            OrderRecords.Order(shop.Id, new OrderSpec(5, Utc(3, 4), 900m, CustomerId: 4, CancelledAt: Utc(3, 5)), Lines((88, "Cap", 30, 30m))),
            OrderRecords.Order(shop.Id, new OrderSpec(6, Utc(3, 11), 900m, CustomerId: 4), Lines((88, "Cap", 30, 30m)))); // after the window

        var byRevenue = await shop.GetAsync("/api/v1/products?start=2026-03-01&end=2026-03-10");

        Assert.Equal([
            "77 Classic Tee units=3 orders=2 gross=40 refunds=10 net=30",
            "88 Cap units=1 orders=1 gross=30 refunds=15 net=15",
            "99 Mug units=4 orders=1 gross=40 refunds=40 net=0",
        ], Rows(byRevenue));
        Assert.Equal("USD", byRevenue.GetProperty("currency").GetString());
        Assert.False(byRevenue.GetProperty("data")[0].GetProperty("missing_fx_rates").GetBoolean());

        var byUnits = await shop.GetAsync("/api/v1/products?start=2026-03-01&end=2026-03-10&sort=units&limit=2");
        Assert.Equal(["99", "77"], byUnits.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("product_id").GetString()));

        var other = await app.CreateTenantAsync();
        Assert.Empty((await other.GetAsync("/api/v1/products?start=2026-03-01&end=2026-03-10")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task an_amount_without_an_exchange_rate_is_left_out_and_flagged()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            OrderRecords.Order(shop.Id, new OrderSpec(1, Utc(3, 2), 20m, Currency: "GBP", CustomerId: 1), Lines((77, "Tee", 2, 10m))),
            OrderRecords.Order(shop.Id, new OrderSpec(2, Utc(3, 2), 10m, CustomerId: 1), Lines((77, "Tee", 1, 10m))));

        var row = (await shop.GetAsync("/api/v1/products?start=2026-03-01&end=2026-03-10")).GetProperty("data")[0];

        Assert.Equal(3, row.GetProperty("units_sold").GetInt64());
        Assert.Equal(10m, row.GetProperty("net_revenue").GetDecimal());
        Assert.True(row.GetProperty("missing_fx_rates").GetBoolean());
    }

    [Theory]
    [InlineData("?end=2026-03-10", "start")]
    [InlineData("?start=2026-03-01&end=2026-03-10&sort=price", "sort")]
    [InlineData("?start=2026-03-01&end=2026-03-10&limit=0", "limit")]
    public async Task an_unusable_request_is_a_400_naming_the_parameter(string query, string field)
    {
        var shop = await app.CreateTenantAsync();
        var problem = await shop.BadRequestAsync("/api/v1/products" + query);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}

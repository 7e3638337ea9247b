using System.Text.Json;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Analytics.Orders.OrderRecords;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Orders;

/// <summary>
/// GET /api/v1/orders and /api/v1/orders/{id}: orders newest first with their status and net revenue, filtered by
/// placed day (tenant days), status and customer, a page at a time; one order with its lines, refunds and versions.
/// </summary>
public sealed class OrdersTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static List<string> Ids(JsonElement page) =>
        page.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("order_id").GetString()!).ToList();

    /// <summary>A shop in New York: 03:00 UTC on 2 March is still 1 March there.</summary>
    private async Task<TenantClient> ShopAsync()
    {
        var shop = await app.CreateTenantAsync(timeZone: "America/New_York");
        await app.AppendAsync(shop.Id,
            SourceRecords.Order(shop.Id, new OrderSpec(1, Utc(3, 2, 3), 100m, CustomerId: 1)),                          // paid, NY day 03-01
            SourceRecords.Order(shop.Id, new OrderSpec(2, Utc(3, 3), 80m, CustomerId: 1, FinancialStatus: "pending")),
            SourceRecords.Order(shop.Id, new OrderSpec(3, Utc(3, 4), 60m, Email: "guest@example.com", FinancialStatus: "partially_refunded",
                Refunds: [new RefundSpec(31, Utc(3, 5), 15m)])),
            SourceRecords.Order(shop.Id, new OrderSpec(4, Utc(3, 5), 40m, CustomerId: 2, FinancialStatus: "refunded",
                Refunds: [new RefundSpec(41, Utc(3, 6), 40m)])),
            SourceRecords.Order(shop.Id, new OrderSpec(5, Utc(3, 6), 30m, CustomerId: 2, FinancialStatus: "voided")),
            SourceRecords.Order(shop.Id, new OrderSpec(6, Utc(3, 7), 20m, CustomerId: 2, CancelledAt: Utc(3, 8))),
            SourceRecords.Order(shop.Id, new OrderSpec(7, Utc(3, 8), 10m, CustomerId: 3, Test: true, CancelledAt: Utc(3, 9))));
        return shop;
    }

    [Fact]
    public async Task orders_newest_first_with_status_counted_and_net_revenue()
    {
        var shop = await ShopAsync();

        var page = await shop.GetAsync("/api/v1/orders");

        Assert.Equal(["7", "6", "5", "4", "3", "2", "1"], Ids(page));
        var rows = page.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["test", "cancelled", "voided", "refunded", "partially_refunded", "pending", "paid"],
            rows.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal([false, false, false, true, true, true, true], rows.Select(r => r.GetProperty("counted").GetBoolean()));
        var partly = rows[4];
        Assert.Equal(60m, partly.GetProperty("total_price").GetDecimal());
        Assert.Equal(15m, partly.GetProperty("refunded").GetDecimal());
        Assert.Equal(45m, partly.GetProperty("net_revenue").GetDecimal());
        Assert.Equal("email:guest@example.com", partly.GetProperty("customer_key").GetString());
        Assert.Equal("USD", partly.GetProperty("currency").GetString());
        Assert.Equal("2026-03-01", rows[6].GetProperty("placed_date").GetString()); // New York's day
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next_cursor").ValueKind);
    }

    [Theory]
    [InlineData("?status=test", "7")]
    [InlineData("?status=cancelled", "6")]
    [InlineData("?status=voided", "5")]
    [InlineData("?status=refunded", "4")]
    [InlineData("?status=partially_refunded", "3")]
    [InlineData("?status=pending", "2")]
    [InlineData("?status=paid", "1")]
    [InlineData("?customer_key=email%3AGuest%40example.com", "3")]
    [InlineData("?customer_key=id%3A1", "2 1")]
    [InlineData("?start=2026-03-01&end=2026-03-01", "1")]               // 03:00 UTC on 2 March is 1 March in New York
    [InlineData("?start=2026-03-02&end=2026-03-04", "3 2")]
    [InlineData("?start=2026-03-01&end=2026-03-05&customer_key=id%3A2&status=refunded", "4")]
    public async Task orders_filtered_by_status_customer_and_placed_day(string query, string ids)
    {
        var shop = await ShopAsync();
        Assert.Equal(ids.Split(' '), Ids(await shop.GetAsync("/api/v1/orders" + query)));
    }

    [Fact]
    public async Task an_order_edited_onto_another_day_and_customer_is_listed_where_it_is_now()
    {
        var shop = await ShopAsync();
        await app.AppendAsync(shop.Id, OrderRecords.Order(shop.Id,
            new OrderSpec(2, Utc(3, 3), 85m, CustomerId: 9, FinancialStatus: "paid", UpdatedAt: Utc(3, 10)), PlacedAt(Utc(3, 9, 15))));

        Assert.Equal(["2"], Ids(await shop.GetAsync("/api/v1/orders?start=2026-03-09&end=2026-03-09")));
        Assert.Empty(Ids(await shop.GetAsync("/api/v1/orders?start=2026-03-03&end=2026-03-03")));
        Assert.Equal(["2"], Ids(await shop.GetAsync("/api/v1/orders?customer_key=id%3A9")));
        Assert.Equal(["1"], Ids(await shop.GetAsync("/api/v1/orders?customer_key=id%3A1")));
        Assert.Equal(["2", "7", "6", "5", "4", "3", "1"], Ids(await shop.GetAsync("/api/v1/orders")));
    }

    [Fact]
    public async Task pages_follow_the_cursor_and_new_orders_do_not_shift_them()
    {
        var shop = await ShopAsync();
        // Two orders placed at the same instant: the order id breaks the tie.
        await app.AppendAsync(shop.Id,
            SourceRecords.Order(shop.Id, new OrderSpec(10, Utc(3, 5), 5m, CustomerId: 4)),
            SourceRecords.Order(shop.Id, new OrderSpec(11, Utc(3, 5), 5m, CustomerId: 4)));

        var first = await shop.GetAsync("/api/v1/orders?limit=3");
        Assert.Equal(["7", "6", "5"], Ids(first));
        // A new order placed now sorts before the cursor; one placed long ago sorts after it and is met in its place.
        await app.AppendAsync(shop.Id,
            SourceRecords.Order(shop.Id, new OrderSpec(20, Utc(3, 17), 9m, CustomerId: 4)),
            SourceRecords.Order(shop.Id, new OrderSpec(21, Utc(2, 1), 9m, CustomerId: 4)));
        var second = await shop.GetAsync($"/api/v1/orders?limit=3&cursor={first.GetProperty("next_cursor").GetString()}");
        Assert.Equal(["4", "11", "10"], Ids(second));
        var third = await shop.GetAsync($"/api/v1/orders?limit=3&cursor={second.GetProperty("next_cursor").GetString()}");
        Assert.Equal(["3", "2", "1"], Ids(third));
        var fourth = await shop.GetAsync($"/api/v1/orders?limit=3&cursor={third.GetProperty("next_cursor").GetString()}");
        Assert.Equal(["21"], Ids(fourth));
        Assert.Equal(JsonValueKind.Null, fourth.GetProperty("next_cursor").ValueKind);
    }

    [Theory]
    [InlineData("?status=shipped", "status")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=201", "limit")]
    [InlineData("?cursor=not-a-cursor", "cursor")]
    [InlineData("?cursor=WyJ4eXoiLCIxIl0", "cursor")]   // ["xyz","1"]: not a time
    [InlineData("?start=2026-03-01", "end")]
    [InlineData("?start=03/01/2026&end=2026-03-02", "start")]
    [InlineData("?start=2026-03-05&end=2026-03-01", "start")]
    public async Task an_unusable_request_is_a_400_naming_the_parameter(string query, string field)
    {
        var shop = await app.CreateTenantAsync();
        var problem = await shop.BadRequestAsync("/api/v1/orders" + query);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task one_order_with_its_lines_refunds_tokens_and_every_version_received()
    {
        var shop = await app.CreateTenantAsync();
        var lines = Lines((77, "Tee", 2, 25m), (88, "Cap", 1, 30m));
        await app.AppendAsync(shop.Id, OrderRecords.Order(shop.Id, new OrderSpec(5001, Utc(3, 1), 80m, CustomerId: 1, FinancialStatus: "pending"),
            json => { lines(json); json["checkout_token"] = "chk-1"; json["cart_token"] = "cart-1"; }));
        await app.AppendAsync(shop.Id, OrderRecords.Order(shop.Id, new OrderSpec(5001, Utc(3, 1), 80m, CustomerId: 1,
                FinancialStatus: "partially_refunded", Refunds: [new RefundSpec(9, Utc(3, 4), 30m)], UpdatedAt: Utc(3, 4)),
            json => { lines(json); json["checkout_token"] = "chk-1"; json["cart_token"] = "cart-1"; }));
        // An older version arriving last is listed in its place and changes nothing.
        await app.AppendAsync(shop.Id, OrderRecords.Order(shop.Id, new OrderSpec(5001, Utc(3, 1), 80m, CustomerId: 1, UpdatedAt: Utc(3, 2)), lines));

        var order = await shop.GetAsync("/api/v1/orders/5001");

        Assert.Equal("partially_refunded", order.GetProperty("status").GetString());
        Assert.True(order.GetProperty("counted").GetBoolean());
        Assert.Equal(50m, order.GetProperty("net_revenue").GetDecimal());
        Assert.Equal("chk-1", order.GetProperty("checkout_token").GetString());
        Assert.Equal("cart-1", order.GetProperty("cart_token").GetString());
        var items = order.GetProperty("line_items").EnumerateArray().ToList();
        Assert.Equal(["77 Tee 2 25", "88 Cap 1 30"], items.Select(l =>
            $"{l.GetProperty("product_id").GetString()} {l.GetProperty("title").GetString()} {l.GetProperty("quantity")} {l.GetProperty("price").GetDecimal():0.##}"));
        var refund = Assert.Single(order.GetProperty("refunds").EnumerateArray());
        Assert.Equal("9", refund.GetProperty("refund_id").GetString());
        Assert.Equal(30m, refund.GetProperty("amount").GetDecimal());
        Assert.Equal("2026-03-04", refund.GetProperty("refund_date").GetString());

        var versions = order.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(["2026-03-01T12:00:00+00:00", "2026-03-02T12:00:00+00:00", "2026-03-04T12:00:00+00:00"],
            versions.Select(v => v.GetProperty("updated_at").GetString()));
        Assert.Equal([false, false, true], versions.Select(v => v.GetProperty("held").GetBoolean()));
        var received = versions.Select(v => v.GetProperty("received_at").GetDateTimeOffset()).ToList();
        Assert.True(received[1] > received[2], "the 2 March version was received after the 4 March one");
        Assert.Equal(["pending", "paid", "partially_refunded"], versions.Select(v => v.GetProperty("financial_status").GetString()));
    }

    [Fact]
    public async Task an_unknown_order_or_another_tenants_order_is_a_404()
    {
        var shop = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        await app.AppendAsync(other.Id, SourceRecords.Order(other.Id, new OrderSpec(6001, Utc(3, 1), 10m)));
        await other.GetAsync("/api/v1/orders/6001");

        var problem = await shop.NotFoundAsync("/api/v1/orders/6001");
        Assert.Contains("GET /api/v1/orders", problem.GetProperty("detail").GetString());
        Assert.Empty(Ids(await shop.GetAsync("/api/v1/orders")));
        Assert.Empty(Ids(await shop.GetAsync("/api/v1/orders?customer_key=email%3Anobody%40example.com")));
    }
}

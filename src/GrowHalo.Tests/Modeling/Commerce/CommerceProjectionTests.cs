using GrowHalo.Tests.Analytics;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Modeling.Commerce;

/// <summary>The metric definitions' edges, each seen through the daily metrics a user reads.</summary>
public sealed class CommerceProjectionTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task a_refund_is_dated_by_the_refund_day_not_the_order_day()
    {
        var shop = await app.CreateTenantAsync();
        var placed = new OrderSpec(100, At("2026-03-01T10:00:00Z"), 80m, CustomerId: 1);
        await app.AppendAsync(shop.Id, Order(shop.Id, placed));
        await app.AppendAsync(shop.Id, Order(shop.Id, placed with
        {
            UpdatedAt = At("2026-03-05T12:00:00Z"), FinancialStatus = "partially_refunded",
            Refunds = [new RefundSpec(900, At("2026-03-05T12:00:00Z"), 30m)],
        }));

        var revenue = await shop.DailyAsync("revenue", "2026-03-01", "2026-03-05");
        var refunds = await shop.DailyAsync("refunds", "2026-03-01", "2026-03-05");
        Assert.Equal(80m, revenue["2026-03-01"].Number());
        Assert.Equal(-30m, revenue["2026-03-05"].Number());
        Assert.Equal(0m, refunds["2026-03-01"].Number());
        Assert.Equal(30m, refunds["2026-03-05"].Number());
    }

    [Fact]
    public async Task a_cancelled_order_drops_from_its_day_and_its_refund_does_not_count_twice()
    {
        var shop = await app.CreateTenantAsync();
        var kept = new OrderSpec(200, At("2026-03-02T09:00:00Z"), 40m, CustomerId: 2);
        var cancelled = new OrderSpec(201, At("2026-03-02T10:00:00Z"), 50m, CustomerId: 3);
        await app.AppendAsync(shop.Id, Order(shop.Id, kept), Order(shop.Id, cancelled));
        Assert.Equal(90m, (await shop.DailyAsync("revenue", "2026-03-02", "2026-03-02"))["2026-03-02"].Number());

        await app.AppendAsync(shop.Id, Order(shop.Id, cancelled with
        {
            UpdatedAt = At("2026-03-04T08:00:00Z"), CancelledAt = At("2026-03-04T08:00:00Z"), FinancialStatus = "refunded",
            Refunds = [new RefundSpec(901, At("2026-03-04T08:00:00Z"), 50m)],
        }));

        var revenue = await shop.DailyAsync("revenue", "2026-03-02", "2026-03-04");
        var orders = await shop.DailyAsync("orders_count", "2026-03-02", "2026-03-04");
        var customers = await shop.DailyAsync("new_customers", "2026-03-02", "2026-03-04");
        Assert.Equal(40m, revenue["2026-03-02"].Number());
        Assert.Equal(0m, revenue["2026-03-04"].Number());
        Assert.Equal(1, orders["2026-03-02"].GetInt32());
        Assert.Equal(1, customers["2026-03-02"].GetInt32());
    }

    [Fact]
    public async Task each_order_of_a_batch_stores_its_own_line_items()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id, Order(shop.Id, new OrderSpec(250, At("2026-03-06T08:00:00Z"), 12.5m)),
            Order(shop.Id, new OrderSpec(251, At("2026-03-06T09:00:00Z"), 99m)));

        await using var cmd = app.DataSource.CreateCommand("select order_id, line_items::text from orders where tenant_id = $1 order by order_id");
        cmd.Parameters.Add(new() { Value = shop.Id });
        var lines = new List<(string, string?, decimal)>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync())
            {
                var line = System.Text.Json.JsonDocument.Parse(reader.GetString(1)).RootElement.EnumerateArray().Single();
                lines.Add((reader.GetString(0), line.GetProperty("id").GetString(), line.GetProperty("price").GetDecimal()));
            }
        Assert.Equal([("250", "2500", 12.5m), ("251", "2510", 99m)], lines);
    }

    [Fact]
    public async Task an_older_order_version_arriving_later_changes_nothing()
    {
        var shop = await app.CreateTenantAsync();
        var order = new OrderSpec(300, At("2026-03-03T08:00:00Z"), 60m, CustomerId: 4);
        var newer = order with { Total = 70m, UpdatedAt = At("2026-03-03T12:00:00Z") };
        await app.AppendAsync(shop.Id, Order(shop.Id, newer));
        await app.AppendAsync(shop.Id, Order(shop.Id, order));
        Assert.Equal(70m, (await shop.DailyAsync("revenue", "2026-03-03", "2026-03-03"))["2026-03-03"].Number());

        // Within one batch too: the newest wins whatever the order of arrival.
        var other = await app.CreateTenantAsync();
        await app.AppendAsync(other.Id, Order(other.Id, newer), Order(other.Id, order));
        Assert.Equal(70m, (await other.DailyAsync("revenue", "2026-03-03", "2026-03-03"))["2026-03-03"].Number());
    }

    [Fact]
    public async Task an_order_update_that_moves_its_placed_day_corrects_both_days()
    {
        var shop = await app.CreateTenantAsync();
        var order = new OrderSpec(350, At("2026-03-03T08:00:00Z"), 25m, CustomerId: 35);
        await app.AppendAsync(shop.Id, Order(shop.Id, order));
        await app.AppendAsync(shop.Id, Order(shop.Id, order with { CreatedAt = At("2026-03-02T08:00:00Z"), UpdatedAt = At("2026-03-05T08:00:00Z") }));

        var orders = await shop.DailyAsync("orders_count", "2026-03-02", "2026-03-03");
        var customers = await shop.DailyAsync("new_customers", "2026-03-02", "2026-03-03");
        Assert.Equal([1, 0], orders.Values.Select(v => v.GetInt32()));
        Assert.Equal([1, 0], customers.Values.Select(v => v.GetInt32()));
    }

    [Fact]
    public async Task a_new_customer_moves_to_an_earlier_day_when_an_earlier_order_arrives_late()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id, Order(shop.Id, new OrderSpec(400, At("2026-03-10T08:00:00Z"), 20m, CustomerId: 9, Email: "nine@example.com")));
        Assert.Equal(1, (await shop.DailyAsync("new_customers", "2026-03-10", "2026-03-10"))["2026-03-10"].GetInt32());

        await app.AppendAsync(shop.Id, Order(shop.Id, new OrderSpec(401, At("2026-03-04T08:00:00Z"), 30m, CustomerId: 9, Email: "nine@example.com")));

        var customers = await shop.DailyAsync("new_customers", "2026-03-04", "2026-03-10");
        Assert.Equal(1, customers["2026-03-04"].GetInt32());
        Assert.Equal(0, customers["2026-03-10"].GetInt32());
        Assert.Equal(1, customers.Values.Sum(v => v.GetInt32()));
    }

    [Fact]
    public async Task test_and_voided_orders_do_not_count()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(500, At("2026-03-06T08:00:00Z"), 10m, CustomerId: 50)),
            Order(shop.Id, new OrderSpec(501, At("2026-03-06T09:00:00Z"), 1000m, CustomerId: 51, Test: true)),
            Order(shop.Id, new OrderSpec(502, At("2026-03-06T10:00:00Z"), 2000m, CustomerId: 52, FinancialStatus: "voided")));

        var day = await shop.GetAsync("/api/v1/metrics?start=2026-03-06&end=2026-03-06&metrics=revenue,orders_count,new_customers");
        var point = day.GetProperty("data")[0];
        Assert.Equal(10m, point.GetProperty("revenue").GetDecimal());
        Assert.Equal(1, point.GetProperty("orders_count").GetInt32());
        Assert.Equal(1, point.GetProperty("new_customers").GetInt32());
    }

    [Fact]
    public async Task guest_checkouts_are_one_customer_by_normalised_email()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(600, At("2026-03-07T08:00:00Z"), 10m, Email: " Jane@Example.com")),
            Order(shop.Id, new OrderSpec(601, At("2026-03-08T08:00:00Z"), 15m, Email: "jane@example.com")),
            Order(shop.Id, new OrderSpec(602, At("2026-03-08T09:00:00Z"), 5m)));

        var customers = await shop.DailyAsync("new_customers", "2026-03-07", "2026-03-08");
        Assert.Equal([1, 0], customers.Values.Select(v => v.GetInt32()));
    }

    [Fact]
    public async Task the_same_refund_alone_and_inside_a_later_order_version_counts_once()
    {
        var shop = await app.CreateTenantAsync();
        var order = new OrderSpec(700, At("2026-03-09T08:00:00Z"), 100m, CustomerId: 70);
        var refund = new RefundSpec(970, At("2026-03-11T08:00:00Z"), 25m);
        await app.AppendAsync(shop.Id, Order(shop.Id, order), Refund(shop.Id, 700, refund));
        await app.AppendAsync(shop.Id, Order(shop.Id, order with { UpdatedAt = refund.CreatedAt, Refunds = [refund] }));

        Assert.Equal(25m, (await shop.DailyAsync("refunds", "2026-03-11", "2026-03-11"))["2026-03-11"].Number());
    }

    [Fact]
    public async Task a_restated_ad_day_keeps_the_row_that_arrived_last()
    {
        var shop = await app.CreateTenantAsync();
        var day = new DateOnly(2026, 3, 12);
        await app.AppendAsync(shop.Id, Ad(shop.Id, new AdSpec("meta", "c1", day, 100m)), Ad(shop.Id, new AdSpec("google", "g1", day, 40m)));
        await app.AppendAsync(shop.Id, Ad(shop.Id, new AdSpec("meta", "c1", day, 80m)));
        await app.AppendAsync(shop.Id, Ad(shop.Id, new AdSpec("google", "g1", day, 45.5m)));

        Assert.Equal(125.5m, (await shop.DailyAsync("ad_spend", "2026-03-12", "2026-03-12"))["2026-03-12"].Number());
    }

    [Fact]
    public async Task orders_either_side_of_local_midnight_fall_on_the_tenants_own_days()
    {
        var shop = await app.CreateTenantAsync(timeZone: "Pacific/Auckland");
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(800, At("2026-03-09T10:59:00Z"), 11m, CustomerId: 80)),  // 23:59 on 9 March in Auckland (UTC+13)
            Order(shop.Id, new OrderSpec(801, At("2026-03-09T11:01:00Z"), 22m, CustomerId: 81))); // 00:01 on 10 March

        var revenue = await shop.DailyAsync("revenue", "2026-03-09", "2026-03-10");
        Assert.Equal(11m, revenue["2026-03-09"].Number());
        Assert.Equal(22m, revenue["2026-03-10"].Number());
    }

    [Fact]
    public async Task a_record_its_parser_rejects_is_reported_and_the_rest_of_the_batch_still_counts()
    {
        var shop = await app.CreateTenantAsync();
        var broken = Event(shop.Id, "shopify:order:999", "orders:999:x", GrowHalo.Ingestion.SourceEventTypes.ShopifyOrder,
            System.Text.Json.JsonSerializer.SerializeToElement(new { id = 999, created_at = "yesterday", total_price = "1.00" }));
        await app.AppendAsync(shop.Id, broken, Order(shop.Id, new OrderSpec(900, At("2026-03-13T08:00:00Z"), 12m, CustomerId: 90)));

        Assert.Equal(12m, (await shop.DailyAsync("revenue", "2026-03-13", "2026-03-13"))["2026-03-13"].Number());
        var quality = await shop.GetAsync("/api/v1/metrics/data-quality");
        Assert.Equal(1, quality.GetProperty("failed_events").GetInt32());
        Assert.Contains("created_at", quality.GetProperty("recent_failures")[0].GetProperty("error").GetString());
    }
}

using System.Text.Json;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Metrics;

/// <summary>GET /api/v1/metrics: every bucket, Monday weeks, calendar months, ratios re-derived per bucket.</summary>
public sealed class TimeSeriesTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static DateTimeOffset Utc(int month, int day) => new(2026, month, day, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task weekly_buckets_start_on_monday_and_hold_only_days_in_the_range()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(1, Utc(3, 1), 500m)),    // Sunday 1 March: before the range
            Order(shop.Id, new OrderSpec(2, Utc(3, 4), 10m)),     // Wednesday
            Order(shop.Id, new OrderSpec(3, Utc(3, 8), 20m)),     // Sunday: same week as Wednesday
            Order(shop.Id, new OrderSpec(4, Utc(3, 9), 40m)));    // Monday: next week

        var json = await shop.GetAsync("/api/v1/metrics?start=2026-03-04&end=2026-03-10&granularity=weekly&metrics=revenue,orders_count");

        var data = json.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["2026-03-02", "2026-03-09"], data.Select(d => d.GetProperty("date").GetString()));
        Assert.Equal([30m, 40m], data.Select(d => d.GetProperty("revenue").GetDecimal()));
        Assert.Equal([2, 1], data.Select(d => d.GetProperty("orders_count").GetInt32()));
        Assert.Equal(["date", "revenue", "orders_count"], data[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("weekly", json.GetProperty("granularity").GetString());
    }

    [Fact]
    public async Task empty_buckets_are_included_with_zeros_and_null_ratios()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id, Order(shop.Id, new OrderSpec(10, Utc(3, 2), 25m, CustomerId: 10)));

        var json = await shop.GetAsync("/api/v1/metrics?start=2026-03-01&end=2026-03-04&granularity=daily");

        var data = json.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(4, data.Count);
        Assert.Equal(["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"], data.Select(d => d.GetProperty("date").GetString()));
        var empty = data[0];
        Assert.Equal(0m, empty.GetProperty("revenue").GetDecimal());
        Assert.Equal(0, empty.GetProperty("orders_count").GetInt32());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("roas").ValueKind);
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("avg_order_value").ValueKind);
        Assert.Equal(25m, data[1].GetProperty("avg_order_value").GetDecimal());
    }

    [Fact]
    public async Task a_bucket_ratio_is_derived_from_its_summed_parts_not_averaged_from_days()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(20, Utc(3, 2), 100m)), Ad(shop.Id, new AdSpec("meta", "c1", new DateOnly(2026, 3, 2), 10m)),  // roas 10
            Order(shop.Id, new OrderSpec(21, Utc(3, 3), 30m)), Ad(shop.Id, new AdSpec("meta", "c1", new DateOnly(2026, 3, 3), 30m))); // roas 1

        var json = await shop.GetAsync("/api/v1/metrics?start=2026-03-02&end=2026-03-08&granularity=weekly&metrics=roas");

        Assert.Equal(3.25m, json.GetProperty("data")[0].GetProperty("roas").GetDecimal()); // 130 ÷ 40, not (10 + 1) ÷ 2
    }

    [Fact]
    public async Task monthly_buckets_are_calendar_months()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(30, Utc(1, 31), 1m)), Order(shop.Id, new OrderSpec(31, Utc(2, 1), 2m)),
            Order(shop.Id, new OrderSpec(32, Utc(2, 28), 4m)), Order(shop.Id, new OrderSpec(33, Utc(3, 1), 8m)));

        var json = await shop.GetAsync("/api/v1/metrics?start=2026-01-15&end=2026-03-01&granularity=monthly&metrics=revenue");

        var data = json.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["2026-01-01", "2026-02-01", "2026-03-01"], data.Select(d => d.GetProperty("date").GetString()));
        Assert.Equal([1m, 6m, 8m], data.Select(d => d.GetProperty("revenue").GetDecimal()));
    }

    [Fact]
    public async Task money_is_rounded_to_cents_only_at_the_edge()
    {
        var shop = await app.CreateTenantAsync();
        // Three ad rows of 0.333 (Google micros) sum to 0.999, shown as 1.00; rounding each day first would give 0.99.
        await app.AppendAsync(shop.Id,
            Ad(shop.Id, new AdSpec("google", "g1", new DateOnly(2026, 3, 2), 0.333m)),
            Ad(shop.Id, new AdSpec("google", "g1", new DateOnly(2026, 3, 3), 0.333m)),
            Ad(shop.Id, new AdSpec("google", "g1", new DateOnly(2026, 3, 4), 0.333m)));

        var json = await shop.GetAsync("/api/v1/metrics?start=2026-03-02&end=2026-03-04&granularity=monthly&metrics=ad_spend");

        Assert.Equal(1.00m, json.GetProperty("data")[0].GetProperty("ad_spend").GetDecimal());
    }
}

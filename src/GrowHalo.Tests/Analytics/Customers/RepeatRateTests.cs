using System.Net;
using System.Text.Json;
using Alba;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Customers;

/// <summary>
/// GET /api/v1/analytics/repeat-rate: customers with a counted order in the window, those with two or more (repeat),
/// those whose first counted order was before it (returning); guests by e-mail count, anonymous, test and cancelled
/// orders do not; days are the tenant's.
/// </summary>
public sealed class RepeatRateTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static DateTimeOffset Utc(int month, int day, int hour = 12) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task repeat_and_returning_customers_of_a_window()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(1, Utc(3, 2), 10m, CustomerId: 1)),     // customer 1: twice in the window, new
            Order(shop.Id, new OrderSpec(2, Utc(3, 9), 10m, CustomerId: 1)),
            Order(shop.Id, new OrderSpec(3, Utc(2, 20), 10m, CustomerId: 2)),    // customer 2: before, then once in: returning
            Order(shop.Id, new OrderSpec(4, Utc(3, 5), 10m, CustomerId: 2)),
            Order(shop.Id, new OrderSpec(5, Utc(2, 10), 10m, CustomerId: 3)),    // customer 3: before and twice in: both
            Order(shop.Id, new OrderSpec(6, Utc(3, 3), 10m, CustomerId: 3)),
            Order(shop.Id, new OrderSpec(7, Utc(3, 4), 10m, CustomerId: 3)),
            Order(shop.Id, new OrderSpec(8, Utc(3, 6), 10m, Email: "guest@example.com")), // a guest known by e-mail: counts
            Order(shop.Id, new OrderSpec(9, Utc(3, 6), 10m)),                    // anonymous: no customer
            Order(shop.Id, new OrderSpec(10, Utc(3, 7), 10m, CustomerId: 4, Test: true)),           // test order: not counted
            Order(shop.Id, new OrderSpec(11, Utc(3, 7), 10m, CustomerId: 5, CancelledAt: Utc(3, 8))), // cancelled: not counted
            Order(shop.Id, new OrderSpec(12, Utc(3, 11), 10m, CustomerId: 6)));  // after the window

        var json = await shop.GetAsync("/api/v1/analytics/repeat-rate?start=2026-03-01&end=2026-03-10");

        Assert.Equal("2026-03-01", json.GetProperty("start").GetString());
        Assert.Equal("2026-03-10", json.GetProperty("end").GetString());
        Assert.Equal(4, json.GetProperty("customers").GetInt64());           // 1, 2, 3, the guest
        Assert.Equal(2, json.GetProperty("repeat_customers").GetInt64());    // 1, 3
        Assert.Equal(0.5m, json.GetProperty("repeat_customer_rate").GetDecimal());
        Assert.Equal(2, json.GetProperty("returning_customers").GetInt64()); // 2, 3
        Assert.Equal(0.5m, json.GetProperty("returning_customer_rate").GetDecimal());
        Assert.NotEqual(JsonValueKind.Null, json.GetProperty("as_of").ValueKind);
    }

    [Fact]
    public async Task a_window_without_customers_has_null_rates()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id, Order(shop.Id, new OrderSpec(20, Utc(3, 5), 10m))); // anonymous only

        var json = await shop.GetAsync("/api/v1/analytics/repeat-rate?start=2026-03-01&end=2026-03-10");

        Assert.Equal(0, json.GetProperty("customers").GetInt64());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("repeat_customer_rate").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("returning_customer_rate").ValueKind);
    }

    [Fact]
    public async Task days_are_the_tenants_own_and_the_default_is_the_last_30_days()
    {
        // 1 March 03:00 UTC is still 28 February in New York: before a window that starts on 1 March there.
        var shop = await app.CreateTenantAsync("Eastern", "America/New_York");
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(30, Utc(3, 1, 3), 10m, CustomerId: 30)),
            Order(shop.Id, new OrderSpec(31, Utc(3, 2), 10m, CustomerId: 30)));

        var march = await shop.GetAsync("/api/v1/analytics/repeat-rate?start=2026-03-01&end=2026-03-10");
        Assert.Equal(1, march.GetProperty("customers").GetInt64());
        Assert.Equal(0, march.GetProperty("repeat_customers").GetInt64());
        Assert.Equal(1, march.GetProperty("returning_customers").GetInt64());

        var recent = await shop.GetAsync("/api/v1/analytics/repeat-rate");   // MetricsApp's today: 18 March
        Assert.Equal("2026-02-17", recent.GetProperty("start").GetString());
        Assert.Equal("2026-03-18", recent.GetProperty("end").GetString());
        Assert.Equal(1, recent.GetProperty("repeat_customers").GetInt64());
    }

    [Theory]
    [InlineData("?start=2026-03-10&end=2026-03-01", "start")]
    [InlineData("?start=2026-03-01", "end")]
    [InlineData("?start=March&end=2026-03-01", "start")]
    public async Task an_unusable_window_is_a_400_naming_the_field(string query, string field)
    {
        var shop = await app.CreateTenantAsync();
        var problem = await shop.BadRequestAsync("/api/v1/analytics/repeat-rate" + query);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task it_needs_the_read_scope()
    {
        var ingestOnly = await app.CreateTenantAsync(scopes: ["ingest"]);
        await ingestOnly.Scenario(s =>
        {
            s.Get.Url("/api/v1/analytics/repeat-rate");
            s.StatusCodeShouldBe(HttpStatusCode.Forbidden);
        });
    }
}

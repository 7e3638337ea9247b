using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using GrowHalo.Ingestion;
using GrowHalo.Platform.Events;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Customers;

/// <summary>
/// GET /api/v1/customers: every customer of the tenant with where they are and what they bought, sorted, searched by
/// e-mail or name prefix, a page at a time with a cursor that survives new customers arriving.
/// </summary>
public sealed class CustomersListTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static DateTimeOffset Utc(int month, int day, int hour = 12) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    private static NewEvent Record(string tenant, long id, string email, string first, string last, string? city, string? country) =>
        Event(tenant, $"shopify:customer:{id}", $"customers:{id}", SourceEventTypes.ShopifyCustomer, JsonSerializer.SerializeToElement(new JsonObject
        {
            ["id"] = id, ["email"] = email, ["first_name"] = first, ["last_name"] = last,
            ["created_at"] = Time(Utc(1, 1)), ["updated_at"] = Time(Utc(1, 1)),
            ["default_address"] = new JsonObject { ["city"] = city, ["country_code"] = country },
        }));

    private static List<string> Keys(JsonElement page) =>
        page.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("customer_key").GetString()!).ToList();

    private async Task<TenantClient> ShopAsync()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Record(shop.Id, 1, "Ada@Example.com", "Ada", "Lovelace", "London", "GB"),
            Record(shop.Id, 2, "grace@example.com", "Grace", "Hopper", "Arlington", "US"),
            Record(shop.Id, 3, "alan@example.com", "Alan", "Turing", null, null),          // a record, no orders yet
            Order(shop.Id, new OrderSpec(11, Utc(3, 1), 300m, CustomerId: 1)),
            Order(shop.Id, new OrderSpec(12, Utc(3, 9), 100m, CustomerId: 1)),
            Order(shop.Id, new OrderSpec(21, Utc(2, 1), 250m, CustomerId: 2)),
            Order(shop.Id, new OrderSpec(31, Utc(3, 5), 50m, Email: "guest_1%@example.com")), // a guest, e-mail with % and _
            Order(shop.Id, new OrderSpec(41, Utc(3, 6), 10m, CustomerId: 4)));
        return shop;
    }

    [Fact]
    public async Task customers_sorted_by_lifetime_revenue_with_where_they_are()
    {
        var shop = await ShopAsync();

        var page = await shop.GetAsync("/api/v1/customers");

        Assert.Equal(["id:1", "id:2", "email:guest_1%@example.com", "id:4", "id:3"], Keys(page)); // no orders: last
        var ada = page.GetProperty("data")[0];
        Assert.Equal("ada@example.com", ada.GetProperty("email").GetString()?.ToLowerInvariant());
        Assert.Equal("Ada Lovelace", ada.GetProperty("name").GetString());
        Assert.Equal("London", ada.GetProperty("city").GetString());
        Assert.Equal("GB", ada.GetProperty("country").GetString());
        Assert.Equal(2, ada.GetProperty("orders_count").GetInt32());
        Assert.Equal(400m, ada.GetProperty("lifetime_revenue").GetDecimal());
        Assert.Equal(200m, ada.GetProperty("avg_order_value").GetDecimal());
        Assert.Equal("2026-03-09", ada.GetProperty("last_order_date").GetString());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next_cursor").ValueKind);
        Assert.Equal(JsonValueKind.Null, page.GetProperty("data")[4].GetProperty("avg_order_value").ValueKind);

        var byFirst = await shop.GetAsync("/api/v1/customers?sort=first_order_date&order=asc");
        Assert.Equal(["id:2", "id:1", "email:guest_1%@example.com", "id:4", "id:3"], Keys(byFirst)); // nulls last ascending too
    }

    [Fact]
    public async Task pages_follow_the_cursor_and_new_customers_do_not_shift_them()
    {
        var shop = await ShopAsync();

        var first = await shop.GetAsync("/api/v1/customers?limit=2");
        Assert.Equal(["id:1", "id:2"], Keys(first));
        // A new big customer arrives between pages: it sorts before the cursor, so the next pages neither repeat nor skip.
        await app.AppendAsync(shop.Id, Order(shop.Id, new OrderSpec(51, Utc(3, 10), 999m, CustomerId: 5)));
        var second = await shop.GetAsync($"/api/v1/customers?limit=2&cursor={first.GetProperty("next_cursor").GetString()}");
        Assert.Equal(["email:guest_1%@example.com", "id:4"], Keys(second));
        var third = await shop.GetAsync($"/api/v1/customers?limit=2&cursor={second.GetProperty("next_cursor").GetString()}");
        Assert.Equal(["id:3"], Keys(third));
        Assert.Equal(JsonValueKind.Null, third.GetProperty("next_cursor").ValueKind);
    }

    [Theory]
    [InlineData("ADA", "id:1")]                    // e-mail prefix, any case
    [InlineData("grace hop", "id:2")]              // name prefix
    [InlineData("turing", "id:3")]                 // last name
    [InlineData("guest_1%", "email:guest_1%@example.com")] // % and _ are letters here, not wildcards
    public async Task search_by_email_or_name_prefix(string search, string key)
    {
        var shop = await ShopAsync();
        var page = await shop.GetAsync($"/api/v1/customers?search={Uri.EscapeDataString(search)}");
        Assert.Equal([key], Keys(page));
    }

    [Theory]
    [InlineData("?sort=name", "sort")]
    [InlineData("?order=up", "order")]
    [InlineData("?limit=500", "limit")]
    [InlineData("?cursor=not-a-cursor", "cursor")]
    [InlineData("?cursor=WyJ4eXoiLCJpZDoxIl0", "cursor")]   // ["xyz","id:1"]: a value that is not a number
    public async Task an_unusable_request_is_a_400_naming_the_field(string query, string field)
    {
        var shop = await app.CreateTenantAsync();
        var problem = await shop.BadRequestAsync("/api/v1/customers" + query);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}

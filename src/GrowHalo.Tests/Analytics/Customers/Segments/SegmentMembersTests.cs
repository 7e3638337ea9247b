using System.Net;
using System.Text;
using System.Text.Json;
using CsvHelper;
using static GrowHalo.Tests.Analytics.Customers.Segments.SegmentScenarios;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Customers.Segments;

/// <summary>
/// A segment's members: the rows, sorts, search and pages of /customers, or every member as CSV; /customers?segment=;
/// always computed when asked, so a customer who stops matching is gone from the next answer.
/// </summary>
public sealed class SegmentMembersTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private const string Buyers = """{"all": [{"field": "orders_count", "op": "gte", "value": 1}]}""";

    [Fact]
    public async Task members_are_paged_sorted_and_searched_like_customers_with_the_same_rows()
    {
        var shop = await app.ShopAsync();
        var id = await shop.SegmentIdAsync(Buyers);

        var first = await shop.GetAsync($"/api/v1/segments/{id}/members?limit=2");
        Assert.Equal(["id:1", "id:2"], Keys(first));
        Assert.Equal(id, first.GetProperty("segment_id").GetString());
        Assert.Equal("USD", first.GetProperty("currency").GetString());
        Assert.True(first.GetProperty("computed_at").GetDateTimeOffset() >= MetricsApp.Now);
        Assert.Equal(JsonValueKind.String, first.GetProperty("as_of").ValueKind);
        var second = await shop.GetAsync($"/api/v1/segments/{id}/members?limit=2&cursor={first.GetProperty("next_cursor").GetString()}");
        Assert.Equal(["email:guest@example.com", "id:4"], Keys(second));   // 55.55, then 40; Alan (no orders) is not a member
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_cursor").ValueKind);

        // The same rows as /customers shows, field for field.
        var customers = await shop.GetAsync("/api/v1/customers?limit=2");
        Assert.Equal(customers.GetProperty("data").ToString(), first.GetProperty("data").ToString());

        var byLast = await shop.GetAsync($"/api/v1/segments/{id}/members?sort=last_order_date&order=asc");
        Assert.Equal(["id:2", "id:1", "email:guest@example.com", "id:4"], Keys(byLast));
        Assert.Equal(["id:2"], Keys(await shop.GetAsync($"/api/v1/segments/{id}/members?search=grace")));
    }

    [Fact]
    public async Task customers_can_be_listed_for_a_segment()
    {
        var shop = await app.ShopAsync();
        var id = await shop.SegmentIdAsync("""{"all": [{"field": "accepts_marketing", "op": "eq", "value": true}]}""");

        var page = await shop.GetAsync($"/api/v1/customers?segment={id}&sort=orders_count");
        Assert.Equal(["id:1", "id:4"], Keys(page));
        var paged = await shop.GetAsync($"/api/v1/customers?segment={id}&limit=1");
        Assert.Equal(["id:1"], Keys(paged));
        Assert.Equal(["id:4"], Keys(await shop.GetAsync($"/api/v1/customers?segment={id}&limit=1&cursor={paged.GetProperty("next_cursor").GetString()}")));

        var unknown = await shop.SendAsync("GET", $"/api/v1/customers?segment={Guid.NewGuid()}", null, HttpStatusCode.NotFound);
        Assert.Contains("GET /api/v1/segments", unknown.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task every_member_is_exported_as_csv_with_a_header_and_values_that_read_back()
    {
        var shop = await app.ShopAsync();
        var id = await shop.SegmentIdAsync(Buyers);

        var result = await shop.Scenario(s =>
        {
            s.Get.Url($"/api/v1/segments/{id}/members");
            s.WithRequestHeader("Accept", "text/csv");
        });

        Assert.StartsWith("text/csv", result.Context.Response.ContentType);
        Assert.True(DateTimeOffset.TryParse(result.Context.Response.Headers["X-Computed-At"].ToString(), out _));
        Assert.False(string.IsNullOrEmpty(result.Context.Response.Headers["X-As-Of"].ToString()));
        var text = await result.ReadAsTextAsync();
        using var csv = CsvReader.Create(Encoding.UTF8.GetBytes(text));
        Assert.Equal(["customer_key", "shopify_customer_id", "email", "name", "city", "country", "first_order_date", "last_order_date",
            "orders_count", "lifetime_revenue", "avg_order_value", "currency", "missing_fx_rates"], csv.Headers);
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read()) rows.Add(csv.Headers.ToDictionary(h => h, h => csv.GetString(h)));

        Assert.Equal(["id:1", "id:2", "email:guest@example.com", "id:4"], rows.Select(r => r["customer_key"]));
        var bob = rows[3];
        Assert.Equal("Bob, \"The Builder\" O'Brien", bob["name"]);   // a comma and quotes survive
        Assert.Equal("Paris", bob["city"]);
        Assert.Equal("40.00", bob["lifetime_revenue"]);
        Assert.Equal("2026-03-18", bob["last_order_date"]);
        var guest = rows[2];
        Assert.Equal("", guest["shopify_customer_id"]);
        Assert.Equal("55.55", guest["avg_order_value"]);
        Assert.Equal("1", guest["orders_count"]);
        Assert.Equal("USD", guest["currency"]);
        Assert.Equal("false", guest["missing_fx_rates"]);
        Assert.Contains("\"Bob, \"\"The Builder\"\" O'Brien\"", text);   // RFC 4180 quoting, as a spreadsheet reads it
        Assert.Equal(5, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task a_csv_holds_every_member_so_limit_and_cursor_are_refused()
    {
        var shop = await app.CreateTenantAsync();
        var id = await shop.SegmentIdAsync(Buyers);
        var result = await shop.Scenario(s =>
        {
            s.Get.Url($"/api/v1/segments/{id}/members?limit=10");
            s.WithRequestHeader("Accept", "text/csv");
            s.StatusCodeShouldBe(HttpStatusCode.BadRequest);
        });
        Assert.Contains("CSV", await result.ReadAsTextAsync());
    }

    [Fact]
    public async Task a_member_who_stops_matching_is_gone_from_the_next_answer()
    {
        var shop = await app.ShopAsync();
        var id = await shop.SegmentIdAsync("""{"all": [{"field": "days_since_last_order", "op": "gt", "value": 30}, {"field": "orders_count", "op": "gte", "value": 1}]}""");
        Assert.Equal(["id:2"], Keys(await shop.GetAsync($"/api/v1/segments/{id}/members")));
        Assert.Equal(1, (await shop.SendAsync("POST", $"/api/v1/segments/{id}/refresh", null, HttpStatusCode.OK)).GetProperty("member_count").GetInt64());

        await app.AppendAsync(shop.Id, Order(shop.Id, new Modeling.OrderSpec(22, Utc(3, 15), 80m, CustomerId: 2)));   // Grace orders again

        Assert.Empty(Keys(await shop.GetAsync($"/api/v1/segments/{id}/members")));
        Assert.Empty(Keys(await shop.GetAsync($"/api/v1/customers?segment={id}")));
        var refreshed = await shop.SendAsync("POST", $"/api/v1/segments/{id}/refresh", null, HttpStatusCode.OK);
        Assert.Equal(0, refreshed.GetProperty("member_count").GetInt64());
        Assert.Equal(id, refreshed.GetProperty("id").GetString());
        Assert.True(refreshed.GetProperty("computed_at").GetDateTimeOffset() >= MetricsApp.Now);
        Assert.Equal(0, (await shop.GetAsync($"/api/v1/segments/{id}")).GetProperty("member_count").GetInt64());
    }

    [Fact]
    public async Task rules_on_scores_select_by_the_scores_the_scoring_gave_the_customers()
    {
        // No test-only rows here: the customers are scored by the server, and the segment follows those scores.
        var shop = await app.CreateTenantAsync();
        var events = new List<GrowHalo.Platform.Events.NewEvent>();
        for (var i = 1; i <= 10; i++)
            for (var k = 0; k < i % 4 + 1; k++)
                events.Add(Order(shop.Id, new GrowHalo.Tests.Modeling.OrderSpec(100 * i + k, Utc(1 + i % 3, 1 + 2 * i) - TimeSpan.FromDays(k * 3), 10m * i, CustomerId: i)));
        await app.AppendAsync(shop.Id, [.. events]);

        var rows = (await shop.GetAsync("/api/v1/customers?limit=200")).GetProperty("data").EnumerateArray().ToList();
        Assert.All(rows, r => Assert.Equal(JsonValueKind.Object, r.GetProperty("rfm").ValueKind));
        var best = rows[0].GetProperty("rfm").GetProperty("segment").GetString()!; // the top spender's segment
        var inBest = rows.Where(r => r.GetProperty("rfm").GetProperty("segment").GetString() == best)
            .Select(r => r.GetProperty("customer_key").GetString()!).Order(StringComparer.Ordinal).ToList();
        var recent = rows.Where(r => r.GetProperty("rfm").GetProperty("r").GetInt32() >= 4)
            .Select(r => r.GetProperty("customer_key").GetString()!).Order(StringComparer.Ordinal).ToList();
        Assert.NotEqual(rows.Count, inBest.Count);
        Assert.NotEqual(rows.Count, recent.Count);

        var bySegment = await shop.SegmentIdAsync($$"""{"all": [{"field": "rfm_segment", "op": "eq", "value": "{{best}}"}]}""");
        Assert.Equal(inBest, Keys(await shop.GetAsync($"/api/v1/segments/{bySegment}/members?limit=200")).Order(StringComparer.Ordinal));
        var byScore = await shop.SegmentIdAsync("""{"all": [{"field": "r", "op": "gte", "value": 4}]}""");
        Assert.Equal(recent, Keys(await shop.GetAsync($"/api/v1/segments/{byScore}/members?limit=200")).Order(StringComparer.Ordinal));
    }
}

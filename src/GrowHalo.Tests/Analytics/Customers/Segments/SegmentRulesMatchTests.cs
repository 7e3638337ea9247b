namespace GrowHalo.Tests.Analytics.Customers.Segments;

/// <summary>
/// Every field and operator a rule can use picks exactly the customers it says, over real HTTP: a segment is created
/// with the rule and its members are read. The shop is <see cref="SegmentScenarios.ShopAsync"/> (today 2026-03-18).
/// </summary>
public sealed class SegmentRulesMatchTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private const string Ada = "id:1", Grace = "id:2", Alan = "id:3", Bob = "id:4", Guest = "email:guest@example.com";

    private static string C(string field, string op, string value) => $$"""{"field": "{{field}}", "op": "{{op}}", "value": {{value}}}""";
    private static string All(params string[] rules) => $$"""{"all": [{{string.Join(", ", rules)}}]}""";
    private static string Any(params string[] rules) => $$"""{"any": [{{string.Join(", ", rules)}}]}""";

    public static readonly TheoryData<string, string[]> Cases = new()
    {
        { All(C("orders_count", "eq", "2")), [Ada] },
        { All(C("orders_count", "ne", "1")), [Ada, Alan] },
        { All(C("orders_count", "gt", "0")), [Ada, Grace, Bob, Guest] },
        { All(C("orders_count", "in", "[0, 2]")), [Ada, Alan] },
        { All(C("orders_count", "between", "[1, 1]")), [Grace, Bob, Guest] },
        { All(C("lifetime_revenue", "gte", "250")), [Ada, Grace] },
        { All(C("lifetime_revenue", "lt", "55.55")), [Alan, Bob] },
        { All(C("lifetime_revenue", "lte", "55.55")), [Alan, Bob, Guest] },
        { All(C("lifetime_revenue", "eq", "55.55")), [Guest] },
        { All(C("lifetime_revenue", "ne", "0")), [Ada, Grace, Bob, Guest] },
        { All(C("lifetime_revenue", "between", "[40, 250]")), [Grace, Bob, Guest] },
        { All(C("avg_order_value", "lte", "55.55")), [Bob, Guest] },           // no orders: no average, not a member
        { All(C("avg_order_value", "gt", "200")), [Grace] },
        { All(C("first_order_date", "lt", "\"2026-03-01\"")), [Grace] },
        { All(C("first_order_date", "eq", "\"2026-03-01\"")), [Ada] },
        { All(C("last_order_date", "ne", "\"2026-03-18\"")), [Ada, Grace, Guest] },
        { All(C("last_order_date", "gte", "\"2026-03-09\"")), [Ada, Bob, Guest] },
        { All(C("last_order_date", "gt", "\"2026-03-09\"")), [Bob, Guest] },
        { All(C("last_order_date", "lte", "\"2026-02-01\"")), [Grace] },
        { All(C("last_order_date", "between", "[\"2026-03-01\", \"2026-03-17\"]")), [Ada, Guest] },
        { All(C("last_order_date", "within_last_days", "2")), [Bob, Guest] },     // today and yesterday
        { All(C("last_order_date", "within_last_days", "9")), [Bob, Guest] },     // 03-10 … 03-18: Ada's 03-09 is the 10th day
        { All(C("last_order_date", "within_last_days", "10")), [Ada, Bob, Guest] },
        { All(C("days_since_last_order", "gt", "9")), [Grace] },                  // Ada's is exactly 9
        { All(C("days_since_last_order", "gte", "9")), [Ada, Grace] },
        { All(C("days_since_last_order", "lt", "9")), [Bob, Guest] },
        { All(C("days_since_last_order", "lte", "1")), [Bob, Guest] },
        { All(C("days_since_last_order", "eq", "0")), [Bob] },
        { All(C("days_since_last_order", "ne", "0")), [Ada, Grace, Guest] },
        { All(C("days_since_last_order", "between", "[1, 9]")), [Ada, Guest] },
        { All(C("rfm_segment", "eq", "\"champions\"")), [Ada] },                   // names in any case
        { All(C("rfm_segment", "ne", "\"Champions\"")), [Grace, Guest] },          // unscored customers: no segment
        { All(C("rfm_segment", "in", "[\"Lost\", \"New\"]")), [Grace, Guest] },
        { All(C("r", "gte", "5")), [Ada, Guest] },
        { All(C("r", "in", "[1]")), [Grace] },
        { All(C("f", "eq", "1")), [Grace, Guest] },
        { All(C("f", "ne", "5")), [Grace, Guest] },
        { All(C("m", "between", "[2, 4]")), [Grace, Guest] },
        { All(C("m", "lt", "3")), [Guest] },
        { All(C("m", "gt", "4")), [Ada] },
        { All(C("m", "lte", "2")), [Guest] },
        { All(C("churn_status", "eq", "\"lost\"")), [Grace] },
        { All(C("churn_status", "ne", "\"lost\"")), [Ada, Guest] },
        { All(C("churn_status", "in", "[\"active\", \"at_risk\"]")), [Ada, Guest] },
        { All(C("p_alive", "gt", "0.7")), [Ada] },
        { All(C("p_alive", "gte", "0.7")), [Ada, Guest] },
        { All(C("p_alive", "lt", "0.7")), [Grace] },
        { All(C("p_alive", "lte", "0.2")), [Grace] },
        { All(C("p_alive", "between", "[0.5, 0.9]")), [Ada, Guest] },
        { All(C("country", "eq", "\"gb\"")), [Ada] },                             // case-insensitive
        { All(C("country", "ne", "\"GB\"")), [Grace, Bob] },                      // no country: not a member
        { All(C("country", "in", "[\"US\", \"fr\"]")), [Grace, Bob] },
        { All(C("city", "contains", "\"AR\"")), [Grace, Bob] },                   // Arlington, Paris
        { All(C("city", "eq", "\"london\"")), [Ada] },
        { All(C("tags", "contains", "\"VIP\"")), [Ada] },
        { All(C("tags", "in", "[\"wholesale\", \"VIP\"]")), [Ada, Grace] },
        { All(C("accepts_marketing", "eq", "true")), [Ada, Bob] },
        { All(C("accepts_marketing", "ne", "true")), [Grace] },                   // a guest has no consent either way
        { All(C("orders_count", "gte", "1"), C("lifetime_revenue", "lt", "300"), C("country", "ne", "\"FR\"")), [Grace] },
        { Any(C("city", "eq", "\"Paris\""), C("rfm_segment", "eq", "\"New\"")), [Bob, Guest] },
        { Any(All(C("country", "eq", "\"GB\""), C("orders_count", "gte", "2")), All(C("tags", "contains", "\"wholesale\""), C("p_alive", "lt", "0.5"))), [Ada, Grace] },
        { All(C("lifetime_revenue", "gt", "0"), Any(C("city", "eq", "\"Paris\""), All(C("r", "eq", "5"), C("f", "eq", "1")))), [Bob, Guest] },
        { All(C("orders_count", "gt", "5")), [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task a_rule_picks_exactly_the_customers_it_describes(string rules, string[] members)
    {
        var shop = await Shop();
        var id = await shop.SegmentIdAsync(rules);

        var page = await shop.GetAsync($"/api/v1/segments/{id}/members");

        Assert.Equal(members.Order(), SegmentScenarios.Keys(page).Order());
        var segment = await shop.GetAsync($"/api/v1/segments/{id}");
        Assert.Equal(members.Length, segment.GetProperty("member_count").GetInt64());
    }

    [Fact]
    public async Task money_is_compared_as_the_answers_show_it_rounded_to_cents()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Modeling.SourceRecords.Order(shop.Id, new Modeling.OrderSpec(1, SegmentScenarios.Utc(3, 1), 10m, CustomerId: 1)),
            Modeling.SourceRecords.Order(shop.Id, new Modeling.OrderSpec(2, SegmentScenarios.Utc(3, 1), 10m, CustomerId: 2)));
        // Test-only: amounts converted from another currency carry fractions of a cent; 99.995 shows as 100.00, 99.99499 as 99.99.
        await app.ExecAsync("update customers set lifetime_spend = case customer_key when 'id:1' then 99.995 else 99.99499 end where tenant_id = $1", shop.Id);
        var shown = await shop.GetAsync("/api/v1/customers");
        Assert.Equal([100.00m, 99.99m], shown.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("lifetime_revenue").GetDecimal()));

        Assert.Equal(["id:1"], await Members(shop, All(C("lifetime_revenue", "gte", "100"))));
        Assert.Equal(["id:1"], await Members(shop, All(C("lifetime_revenue", "eq", "100"))));
        Assert.Equal(["id:2"], await Members(shop, All(C("lifetime_revenue", "eq", "99.99"))));
        Assert.Equal(["id:2"], await Members(shop, All(C("lifetime_revenue", "lt", "100"))));
        Assert.Equal(["id:1"], await Members(shop, All(C("lifetime_revenue", "gt", "99.99"))));
        Assert.Equal(["id:1", "id:2"], await Members(shop, All(C("lifetime_revenue", "between", "[99.99, 100]"))));
    }

    private static async Task<List<string>> Members(Infrastructure.TenantClient shop, string rules) =>
        SegmentScenarios.Keys(await shop.GetAsync($"/api/v1/segments/{await shop.SegmentIdAsync(rules)}/members"));

    // One shop for all cases of this class: the cases only read it.
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Infrastructure.TenantClient? _shop;

    private async Task<Infrastructure.TenantClient> Shop()
    {
        await Gate.WaitAsync();
        try
        {
            return _shop ??= await app.ShopAsync();
        }
        finally
        {
            Gate.Release();
        }
    }
}

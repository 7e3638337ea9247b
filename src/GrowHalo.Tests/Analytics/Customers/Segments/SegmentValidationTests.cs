using System.Net;
using System.Text.Json;

namespace GrowHalo.Tests.Analytics.Customers.Segments;

/// <summary>
/// A segment that cannot be used is a 400 whose errors name the place in the rules (rules.all[1].op) and say what is
/// allowed there; nothing is stored.
/// </summary>
public sealed class SegmentValidationTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private const string Ok = """{"field": "orders_count", "op": "gte", "value": 1}""";

    private static string Nested(int groups) =>
        Enumerable.Range(0, groups - 1).Aggregate($$"""{"all": [{{Ok}}]}""", (inner, _) => $$"""{"any": [{{inner}}]}""");

    public static readonly TheoryData<string, string, string> Cases = new()
    {
        // rules, the field path named, what the message says
        { $$"""{"all": [{{Ok}}, {"field": "favourite_colour", "op": "eq", "value": "red"}]}""", "rules.all[1].field", "Allowed: orders_count, lifetime_revenue, avg_order_value" },
        { """{"all": [{"field": "country", "op": "gt", "value": "GB"}]}""", "rules.all[0].op", "Allowed for country: eq, ne, in, contains" },
        { """{"all": [{"field": "tags", "op": "eq", "value": "vip"}]}""", "rules.all[0].op", "Allowed for tags: contains, in" },
        { """{"all": [{"field": "p_alive", "op": "eq", "value": 0.5}]}""", "rules.all[0].op", "Allowed for p_alive: gt, gte, lt, lte, between" },
        { """{"all": [{"field": "orders_count", "op": "gte", "value": "two"}]}""", "rules.all[0].value", "must be a whole number ≥ 0" },
        { """{"all": [{"field": "orders_count", "op": "gte", "value": 1.5}]}""", "rules.all[0].value", "must be a whole number ≥ 0" },
        { """{"all": [{"field": "r", "op": "eq", "value": 6}]}""", "rules.all[0].value", "from 1 to 5" },
        { """{"all": [{"field": "lifetime_revenue", "op": "gt", "value": 10.005}]}""", "rules.all[0].value", "at most 2 decimals" },
        { """{"all": [{"field": "last_order_date", "op": "gt", "value": "18/03/2026"}]}""", "rules.all[0].value", "\"YYYY-MM-DD\"" },
        { """{"all": [{"field": "last_order_date", "op": "within_last_days", "value": 0}]}""", "rules.all[0].value", "from 1 to 36500" },
        { """{"all": [{"field": "churn_status", "op": "eq", "value": "gone"}]}""", "rules.all[0].value", "one of \"active\", \"at_risk\", \"lost\"" },
        { """{"all": [{"field": "accepts_marketing", "op": "eq", "value": "yes"}]}""", "rules.all[0].value", "true or false" },
        { """{"all": [{"field": "orders_count", "op": "between", "value": [5, 1]}]}""", "rules.all[0].value", "low ≤ high" },
        { """{"all": [{"field": "orders_count", "op": "in", "value": []}]}""", "rules.all[0].value", "an array of 1 to 100" },
        { """{"all": [{"field": "orders_count", "op": "gte"}]}""", "rules.all[0].value", "is required" },
        { """{"all": [{"field": "orders_count", "op": "gte", "value": 1, "negate": true}]}""", "rules.all[0].negate", "not part of a condition" },
        { $$"""{"any": [{{Ok}}, {"all": [{{Ok}}, {"field": "city", "op": "contains", "value": 3}]}]}""", "rules.any[1].all[1].value", "a non-empty string" },
        { """{"all": []}""", "rules.all", "is empty" },
        { """{"any": [{"all": []}]}""", "rules.any[0].all", "is empty" },
        { "{}", "rules", "exactly one key, \"all\" or \"any\"" },
        { $$"""{"all": [{{Ok}}], "any": [{{Ok}}]}""", "rules", "exactly one key" },
        { "[]", "rules", "must be a group" },
        { "null", "rules", "are required" },
        { Nested(5), "rules.any[0].any[0].any[0].any[0]", "at most 4 levels" },
        { $$"""{"all": [{{string.Join(", ", Enumerable.Repeat(Ok, 51))}}]}""", "rules", "at most 50" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task a_bad_rule_is_a_400_naming_its_path_and_what_is_allowed_and_nothing_is_stored(string rules, string path, string says)
    {
        var shop = await app.CreateTenantAsync();

        var problem = await shop.SendAsync("POST", "/api/v1/segments", $$"""{"name": "Bad", "rules": {{rules}}}""", HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(path, out var messages), problem.ToString());
        Assert.Contains(says, messages[0].GetString());
        Assert.Empty((await shop.GetAsync("/api/v1/segments")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task four_levels_of_groups_are_allowed()
    {
        var shop = await app.CreateTenantAsync();
        var (created, _) = await shop.CreateSegmentAsync("Deep", Nested(4));
        Assert.Equal(JsonValueKind.Number, created.GetProperty("member_count").ValueKind);
    }

    [Theory]
    [InlineData("""{"rules": {"all": [{"field": "orders_count", "op": "gte", "value": 1}]}}""", "name")]
    [InlineData("""{"name": "  ", "rules": {"all": [{"field": "orders_count", "op": "gte", "value": 1}]}}""", "name")]
    [InlineData("""{"name": "No rules"}""", "rules")]
    public async Task a_segment_needs_a_name_and_rules(string body, string field)
    {
        var shop = await app.CreateTenantAsync();
        var problem = await shop.SendAsync("POST", "/api/v1/segments", body, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task a_bad_change_is_a_400_and_leaves_the_segment_as_it_was()
    {
        var shop = await app.CreateTenantAsync();
        var (created, location) = await shop.CreateSegmentAsync("Repeat", $$"""{"all": [{{Ok}}]}""");

        var problem = await shop.SendAsync("PUT", location, """{"name": "Changed", "rules": {"all": [{"field": "orders_count", "op": "contains", "value": 1}]}}""",
            HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("rules.all[0].op", out _), problem.ToString());
        var after = await shop.GetAsync(location);
        Assert.Equal("Repeat", after.GetProperty("name").GetString());
        Assert.Equal(created.GetProperty("rules").ToString(), after.GetProperty("rules").ToString());
    }

    [Theory]
    [InlineData("/api/v1/customers?segment=abc", "segment")]
    [InlineData("/api/v1/segments/00000000-0000-0000-0000-000000000001/members?limit=0", "limit")]
    [InlineData("/api/v1/segments/00000000-0000-0000-0000-000000000001/members?sort=name", "sort")]
    public async Task unusable_list_parameters_are_a_400_naming_them(string url, string field)
    {
        var shop = await app.CreateTenantAsync();
        var problem = await shop.BadRequestAsync(url);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}

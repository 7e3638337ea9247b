using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Ingestion.Google;
using GrowHalo.Ingestion.Meta;
using GrowHalo.Ingestion.Parsing;
using GrowHalo.Ingestion.Shopify;

namespace GrowHalo.Tests.Ingestion.Parsing;

public sealed class ParserEdgeCaseTests
{
    private static JsonElement J(JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement;

    [Theory]
    [InlineData("2026-03-01T09:15:00-05:00", "2026-03-01T14:15:00Z")]
    [InlineData("2026-03-01T14:15:00Z", "2026-03-01T14:15:00Z")]
    [InlineData("2026-03-01T14:15:00", "2026-03-01T14:15:00Z")]
    [InlineData("2026-03-01", "2026-03-01T00:00:00Z")]
    public void iso_timestamps_parse_and_a_missing_offset_means_utc(string text, string utc)
    {
        Assert.True(JsonFields.TryParseTimestamp(text, out var t));
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), t);
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(3, true)]
    [InlineData(40, false)]
    [InlineData(40, true)]
    public void fields_are_found_in_small_and_large_objects_alike_escaped_names_too_and_a_repeated_name_gives_its_last_value(int padding, bool escaped)
    {
        // 40 extra properties make the object large enough to be read through JsonFields' property index (which an
        // escaped property name turns off).
        var extra = string.Concat(Enumerable.Range(0, padding).Select(i => $"\"p{i}\": {i}, "));
        var name = escaped ? "na\\u006de" : "name";
        var json = $$"""{ {{extra}}"id": 1, "{{name}}": "escaped", "total": "1.00", "total": "2.50", "nested": { "amount": "3" }, "gone": null }""";
        var fields = new JsonFields(JsonDocument.Parse(json).RootElement);

        Assert.Equal("escaped", fields.String("name"));
        Assert.Equal(2.5m, fields.Decimal("total"));
        Assert.Equal(3m, fields.Decimal("missing|nested.amount"));
        Assert.Equal("1", fields.String("gone|id"));
        Assert.Null(fields.String("p999|nothing"));
        Assert.Equal(padding - 1, fields.Long($"p{padding - 1}"));
    }

    [Theory]
    [InlineData("03/01/2026")]
    [InlineData("1 March 2026")]
    [InlineData("yesterday")]
    [InlineData("2026-3-1")]
    [InlineData("")]
    public void culture_dependent_or_vague_timestamps_are_refused(string text) =>
        Assert.False(JsonFields.TryParseTimestamp(text, out _));

    [Fact]
    public void an_order_timestamp_in_a_local_culture_format_is_a_field_error()
    {
        var result = ShopifyOrder.Parse(J(Samples.Order(1, updatedAt: "03/01/2026 10:00")));
        Assert.Equal("updated_at", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void a_graphql_order_node_parses_like_the_rest_order()
    {
        var order = ShopifyOrder.Parse(J(Samples.GraphQlOrder(5))).ValueOrThrow();
        Assert.Equal(("5", 129.90m, "7001", "paid"), (order.Id, order.TotalPrice, order.CustomerId, order.FinancialStatus));
        Assert.Single(order.LineItems);
    }

    [Fact]
    public void a_refund_amount_counts_successful_refund_transactions_only()
    {
        var refund = Samples.Refund(1, 5, amount: "20.00");
        ((JsonArray)refund["transactions"]!).Add(new JsonObject { ["kind"] = "refund", ["status"] = "failure", ["amount"] = "99.00" });
        Assert.Equal(20.00m, ShopifyRefundParser.Parse(J(refund)).ValueOrThrow().Amount);
    }

    [Fact]
    public void meta_picks_one_purchase_action_type_never_the_sum_of_overlapping_ones()
    {
        var row = MetaInsightsRow.Parse(J(Samples.MetaRow("c1", accountId: "act_42"))).ValueOrThrow();
        Assert.Equal((8m, 640.00m, "42", 120.50m), (row.Conversions, row.ConversionValue, row.AccountId, row.Spend));
    }

    [Fact]
    public void a_meta_row_spanning_several_days_is_refused_with_the_fix()
    {
        var row = Samples.MetaRow("c1");
        row["date_stop"] = "2026-03-07";
        Assert.Contains("time_increment=1", Assert.Single(MetaInsightsRow.Parse(J(row)).Errors).Message);
    }

    [Fact]
    public void google_cost_micros_as_string_or_number_become_currency_and_negative_cost_is_refused()
    {
        Assert.Equal(45.67m, GoogleAdsRow.Parse(J(Samples.GoogleResult("1", costMicros: "45670000"))).ValueOrThrow().Spend);
        Assert.Equal(45.67m, GoogleAdsRow.Parse(J(Samples.GoogleFlat("1", costMicros: 45_670_000))).ValueOrThrow().Spend);
        Assert.Equal("cost_micros", Assert.Single(GoogleAdsRow.Parse(J(Samples.GoogleFlat("1", costMicros: -1))).Errors).Field);
    }

    [Fact]
    public void a_checkout_is_identified_by_its_token()
    {
        Assert.Equal("tok9", ShopifyCheckout.Parse(J(Samples.Checkout(9))).ValueOrThrow().Id);
    }
}

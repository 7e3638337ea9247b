using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Ingestion;
using GrowHalo.Ingestion.Adapters;

namespace GrowHalo.Tests.Ingestion.Adapters;

public sealed class SourceAdaptersTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 5, 8, 0, 0, TimeSpan.Zero);
    private static JsonElement J(JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement;
    private static AdaptedRecord Adapt(string source, string resource, JsonNode payload, RecordContext? context = null) =>
        SourceAdapters.ToEvent("tn_1", source, resource, J(payload), context ?? new RecordContext(Channels.Batch, Now));

    [Fact]
    public void a_polled_record_and_a_batch_record_of_the_same_version_are_the_same_event()
    {
        var polled = SourceAdapters.ToEvent("tn_1", "shopify", "order", J(Samples.Order(5)), Channels.Poll, Now);
        var batched = Adapt("shopify", "order", Samples.Order(5));
        Assert.Equal(batched.Event!.Id, polled.Event!.Id);
        Assert.Equal("shopify:order:5", polled.Event.StreamId);
        Assert.Equal("poll", polled.Event.Data.Channel);
    }

    [Fact]
    public void rest_and_graphql_records_of_the_same_order_version_are_the_same_event()
    {
        var rest = Adapt("shopify", "order", Samples.Order(5, updatedAt: "2026-03-01T09:20:00-05:00"));
        var graphQl = Adapt("shopify", "order", Samples.GraphQlOrder(5, updatedAt: "2026-03-01T14:20:00Z"));
        Assert.Equal(rest.Event!.Id, graphQl.Event!.Id);
        Assert.NotEqual(rest.Event.Id, Adapt("shopify", "order", Samples.Order(5, updatedAt: "2026-03-01T09:21:00-05:00")).Event!.Id);
    }

    [Fact]
    public void a_webhook_is_keyed_by_its_delivery_id_else_by_topic_id_and_updated_at()
    {
        RecordContext Hook(string? delivery, string topic = "orders/updated") => new(Channels.Webhook, Now, topic, delivery);
        var a = Adapt("shopify", "order", Samples.Order(5), Hook("d-1"));
        Assert.Equal(a.Event!.Id, Adapt("shopify", "order", Samples.Order(5, total: "1.00"), Hook("d-1")).Event!.Id);
        Assert.NotEqual(a.Event.Id, Adapt("shopify", "order", Samples.Order(5), Hook("d-2")).Event!.Id);

        var noId = Adapt("shopify", "order", Samples.Order(5), Hook(null));
        Assert.Equal(noId.Event!.Id, Adapt("shopify", "order", Samples.Order(5), Hook(null)).Event!.Id);
        Assert.NotEqual(noId.Event.Id, Adapt("shopify", "order", Samples.Order(5), Hook(null, "orders/paid")).Event!.Id);
        Assert.NotEqual(noId.Event.Id, Adapt("shopify", "order", Samples.Order(5)).Event!.Id);
    }

    [Fact]
    public void a_restated_ad_row_is_a_new_event_and_the_same_row_is_the_same_event()
    {
        var first = Adapt("meta", "ad_spend", Samples.MetaRow("c1", spend: "10.00"));
        Assert.Equal(first.Event!.Id, Adapt("meta", "ad_spend", Samples.MetaRow("c1", spend: "10.00")).Event!.Id);
        Assert.NotEqual(first.Event.Id, Adapt("meta", "ad_spend", Samples.MetaRow("c1", spend: "10.01")).Event!.Id);
        Assert.Equal("meta:campaign:c1", first.Event.StreamId);
        Assert.Equal("meta_insights_row_received", first.Event.Type);

        var search = Adapt("google", "ad_spend", Samples.GoogleResult("9", costMicros: "1000000", customerId: "1"));
        var flat = Adapt("google", "ad_spend", Samples.GoogleFlat("9", costMicros: 1_000_000));
        Assert.Equal("google:campaign:9", search.Event!.StreamId);
        Assert.Equal("google_ads_row_received", flat.Event!.Type);
    }

    [Fact]
    public void the_event_body_is_the_raw_record_verbatim_with_how_it_arrived()
    {
        var order = Samples.Order(5);
        order["note_attributes"] = new JsonArray(new JsonObject { ["name"] = "gift", ["value"] = "yes" });
        var e = Adapt("shopify", "order", order, new RecordContext(Channels.Webhook, Now, "orders/create", "d", "con_1", ExternalId: "x")).Event!;
        Assert.True(JsonNode.DeepEquals(order, JsonNode.Parse(e.Data.Payload.GetRawText())));
        Assert.Equal("shopify", e.Data.Source);
        Assert.Equal("con_1", e.Data.ConnectionId);
        Assert.Equal("con_1", (string)e.Headers!["connection_id"]);
        Assert.Equal(Now, e.Data.ReceivedAt);
    }

    [Fact]
    public void a_record_without_updated_at_is_versioned_by_the_senders_source_timestamp()
    {
        var bare = Samples.Order(5);
        bare.Remove("updated_at");
        RecordContext Sent(int hour) => new(Channels.Batch, Now, SourceTimestamp: new DateTimeOffset(2026, 3, 1, hour, 0, 0, TimeSpan.Zero));
        Assert.NotEqual(Adapt("shopify", "order", bare, Sent(10)).Event!.Id, Adapt("shopify", "order", bare, Sent(11)).Event!.Id);
        Assert.Equal(Adapt("shopify", "order", Samples.Order(5), Sent(10)).Event!.Id, Adapt("shopify", "order", Samples.Order(5), Sent(11)).Event!.Id);
    }

    [Fact]
    public void records_that_do_not_fit_their_resource_are_errors_not_events()
    {
        Assert.Equal("event_type", Assert.Single(Adapt("meta", "order", Samples.Order(1)).Errors).Field);
        Assert.Equal("payload", Assert.Single(Adapt("shopify", "order", new JsonArray()).Errors).Field);
        Assert.Contains(Adapt("shopify", "refund", new JsonObject { ["id"] = 1, ["created_at"] = "2026-03-01T00:00:00Z" }).Errors, e => e.Field == "order_id");
    }

    [Fact]
    public void envelopes_yield_each_record_with_its_place_in_the_body()
    {
        var meta = Envelopes.Unwrap("meta", "ad_spend", J(Samples.MetaEnvelope(Samples.MetaRow("a"), Samples.MetaRow("b"))));
        Assert.Equal(["data[0]", "data[1]"], meta.Select(m => m.Path));
        var google = Envelopes.Unwrap("google", "ad_spend", J(new JsonArray(
            new JsonObject { ["results"] = new JsonArray(Samples.GoogleResult("1"), Samples.GoogleResult("2")) },
            new JsonObject { ["results"] = new JsonArray(Samples.GoogleResult("3")) })));
        Assert.Equal(["[0].results[0]", "[0].results[1]", "[1].results[0]"], google.Select(g => g.Path));
        var wrapped = Envelopes.Unwrap("shopify", "order", J(new JsonObject { ["order"] = Samples.Order(1) })).Single();
        Assert.Equal(1, wrapped.Record.GetProperty("id").GetInt64());
        Assert.Equal("", Envelopes.Unwrap("shopify", "customer", J(Samples.Order(1))).Single().Path);
        Assert.Equal("order.total_price", wrapped.FieldPath("total_price"));
    }

    [Fact]
    public void an_envelope_whose_list_is_not_a_list_is_one_problem_at_the_list_not_a_record()
    {
        var (path, problem) = One(Envelopes.Unwrap("google", "ad_spend", J(new JsonObject { ["results"] = "rows" })));
        Assert.Equal(("results", "must be an array of the platform's rows, not a string"), (path, problem));
        Assert.Equal(("data", "must be an array of the platform's rows, not an object"),
            One(Envelopes.Unwrap("meta", "ad_spend", J(new JsonObject { ["data"] = Samples.MetaRow("a") }))));
        var batches = Envelopes.Unwrap("google", "ad_spend", J(new JsonArray(
            new JsonObject { ["results"] = new JsonArray(Samples.GoogleResult("1")) }, new JsonObject { ["results"] = 5 })));
        Assert.Equal([("[0].results[0]", null), ("[1].results", "must be an array of the platform's rows, not a number")],
            batches.Select(b => (b.Path, b.Problem)));

        static (string, string?) One(IReadOnlyList<EnvelopeItem> items) => Assert.Single(items) is var i ? (i.Path, i.Problem) : default;
    }
}

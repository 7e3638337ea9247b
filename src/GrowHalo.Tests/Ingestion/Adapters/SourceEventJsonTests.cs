using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Platform.Events;
using GrowHalo.Ingestion;
using GrowHalo.Ingestion.Adapters;

namespace GrowHalo.Tests.Ingestion.Adapters;

/// <summary>The event body and metadata written by hand are the JSON the serializer wrote before (stored events keep their meaning).</summary>
public sealed class SourceEventJsonTests
{
    private static readonly DateTimeOffset Received = new(2026, 3, 5, 8, 0, 0, 123, TimeSpan.Zero);

    [Theory]
    [InlineData(Channels.Webhook, "orders/create", "con_1", "d-1", null)]
    [InlineData(Channels.Batch, null, null, null, "ext-9")]
    [InlineData(Channels.Poll, null, "con_2", null, null)]
    public void a_source_event_is_the_json_of_its_record_and_how_it_arrived(string channel, string? topic, string? connection, string? delivery, string? external)
    {
        var payload = JsonDocument.Parse("""{ "id": 5, "created_at": "2026-03-01T09:00:00-05:00", "name": "#1005 é \"quoted\" <b>", "total_price": "12.50", "line_items": [ { "id": 1 } ], "note": null }""").RootElement;
        var context = new RecordContext(channel, Received, topic, delivery, connection, channel == Channels.Batch ? Guid.NewGuid() : null,
            channel == Channels.Batch ? Received.AddHours(-1) : null, external);

        var adapted = SourceAdapters.ToEvent("tn_1", "shopify", "order", payload, context).Event!;

        var expected = JsonSerializer.SerializeToElement(
            SourceRecordReceived.Create(SourceEventTypes.ShopifyOrder, "shopify", channel, topic, Received, connection, payload), EventJson.Options);
        var body = JsonSerializer.SerializeToElement<object>(adapted.Data, EventJson.Options);
        Assert.True(JsonElement.DeepEquals(expected, body), body.GetRawText());
        Assert.Equal(SourceEventTypes.ShopifyOrder, adapted.Type);
        var metadata = new JsonObject { ["channel"] = channel };
        if (connection is not null) metadata["connection_id"] = connection;
        if (context.BatchId is { } batch) metadata["batch_id"] = batch;
        if (delivery is not null) metadata["delivery_id"] = delivery;
        if (external is not null) metadata["external_id"] = external;
        if (context.SourceTimestamp is { } sent) metadata["source_timestamp"] = sent.ToString("O");
        var headers = JsonSerializer.SerializeToNode(adapted.Headers);
        Assert.True(JsonNode.DeepEquals(metadata, headers), headers!.ToJsonString());
    }
}

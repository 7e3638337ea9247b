using System.Runtime.InteropServices;
using System.Text.Json;
using GrowHalo.Platform.Events;
using GrowHalo.Ingestion.Parsing;

namespace GrowHalo.Ingestion.Adapters;

/// <summary>How one record reached GrowHalo: the channel and what the channel knows about it.</summary>
/// <param name="DeliveryId">The platform's id for this delivery (Shopify X-Shopify-Webhook-Id): a redelivery is a duplicate.</param>
/// <param name="SourceTimestamp">The sender's version time, used as the record's version when the record has no updated_at.</param>
public sealed record RecordContext(
    string Channel, DateTimeOffset ReceivedAt, string? Topic = null, string? DeliveryId = null, string? ConnectionId = null,
    Guid? BatchId = null, DateTimeOffset? SourceTimestamp = null, string? ExternalId = null);

/// <summary>A record made into an event, or what is wrong with it. Never both.</summary>
public sealed record AdaptedRecord(NewEvent? Event, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Event is not null;
}

/// <summary>Where a record goes and under which idempotency key (see the design's stream/key table).</summary>
internal sealed record RecordIdentity(string StreamId, string EventType, string IdempotencyKey);

/// <summary>
/// One way from a platform record to an event, for webhooks, the batch API and the pollers alike, so that every
/// channel derives the same stream id and idempotency key: the record is validated with its source's parser,
/// and the event body is <see cref="SourceRecordReceived"/> with the raw record verbatim (never the parsed one).
/// </summary>
public static class SourceAdapters
{
    public static AdaptedRecord ToEvent(string tenantId, string source, string resource, JsonElement payload, RecordContext context)
    {
        // Checked first: a record the event store would refuse is this record's fault, named at its field.
        if (payload.ValueKind == JsonValueKind.Object && JsonMarshal.GetRawUtf8Value(payload) is var raw &&
            StorableJson.FindProblem(raw) is var (offset, reason))
            return new AdaptedRecord(null, [new FieldError(JsonPaths.At(raw, offset), reason)]);
        var (identity, errors) = Identify(source, resource, payload, context);
        if (identity is null) return new AdaptedRecord(null, errors);
        var body = SourceRecordReceived.Create(identity.EventType, source, context.Channel, context.Topic, context.ReceivedAt,
            context.ConnectionId, payload);
        return new AdaptedRecord(NewEvent.Create(tenantId, identity.StreamId, identity.IdempotencyKey, body, Headers(context)), []);
    }

    /// <summary>Who sent it and how, as the event's headers; what the channel did not say is left out.</summary>
    private static Dictionary<string, object> Headers(RecordContext c)
    {
        var headers = new Dictionary<string, object>(4) { ["channel"] = c.Channel };
        if (c.ConnectionId is not null) headers["connection_id"] = c.ConnectionId;
        if (c.BatchId is not null) headers["batch_id"] = c.BatchId.Value.ToString();
        if (c.DeliveryId is not null) headers["delivery_id"] = c.DeliveryId;
        if (c.ExternalId is not null) headers["external_id"] = c.ExternalId;
        if (c.SourceTimestamp is not null) headers["source_timestamp"] = c.SourceTimestamp.Value.ToString("O");
        return headers;
    }

    /// <summary>The positional form, for pollers: <c>ToEvent(tenant, "shopify", "order", json, Channels.Poll, receivedAt)</c>.</summary>
    public static AdaptedRecord ToEvent(string tenantId, string source, string resource, JsonElement payload, string channel,
        DateTimeOffset receivedAt, string? topic = null, string? deliveryId = null, string? connectionId = null) =>
        ToEvent(tenantId, source, resource, payload, new RecordContext(channel, receivedAt, topic, deliveryId, connectionId));

    private static (RecordIdentity?, IReadOnlyList<FieldError>) Identify(string source, string resource, JsonElement payload, RecordContext context)
    {
        if (payload.ValueKind != JsonValueKind.Object)
            return (null, [new FieldError("payload", $"must be a JSON object (one {resource} record), got {payload.ValueKind.ToString().ToLowerInvariant()}")]);
        return (source, resource) switch
        {
            (Sources.Shopify, _) when Resources.Shopify.Contains(resource) => ShopifyAdapter.Identify(resource, payload, context),
            (Sources.Meta, Resources.AdSpend) => AdRow(Meta.MetaInsightsRow.Parse(payload), SourceEventTypes.MetaInsightsRow),
            (Sources.Google, Resources.AdSpend) => AdRow(Google.GoogleAdsRow.Parse(payload), SourceEventTypes.GoogleAdsRow),
            _ => (null, [new FieldError("event_type",
                $"'{resource}' is not a {source} record type; {source} sends {string.Join(", ", Sources.ResourcesOf(source))}")]),
        };
    }

    /// <summary>Ad rows: a restated row (new metric values) is a new event; the same row again is a duplicate.</summary>
    private static (RecordIdentity?, IReadOnlyList<FieldError>) AdRow(ParseResult<AdSpendRow> parsed, string eventType) =>
        parsed.Value is { } row ? (new RecordIdentity(row.StreamId, eventType, row.IdempotencyKey), []) : (null, parsed.Errors);
}

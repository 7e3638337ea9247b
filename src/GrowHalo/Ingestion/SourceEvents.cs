using System.Text.Json;
using System.Text.Json.Serialization;

namespace GrowHalo.Ingestion;

/// <summary>
/// The event types GrowHalo appends for what the platforms send. Each carries a <see cref="SourceRecordReceived"/>
/// with the raw record verbatim; projections parse it (see the parsers beside each source), so a better parser later
/// is a `projections rebuild` away, never a data loss.
/// </summary>
public static class SourceEventTypes
{
    public const string ShopifyOrder = "shopify_order_received";
    public const string ShopifyRefund = "shopify_refund_received";
    public const string ShopifyCustomer = "shopify_customer_received";
    public const string ShopifyProduct = "shopify_product_received";
    public const string ShopifyCheckout = "shopify_checkout_received";
    public const string ShopifyCart = "shopify_cart_received";
    public const string MetaInsightsRow = "meta_insights_row_received";
    public const string GoogleAdsRow = "google_ads_row_received";

    public static readonly IReadOnlyList<string> All =
        [ShopifyOrder, ShopifyRefund, ShopifyCustomer, ShopifyProduct, ShopifyCheckout, ShopifyCart, MetaInsightsRow, GoogleAdsRow];
}

/// <summary>How a record reached GrowHalo.</summary>
public static class Channels
{
    public const string Webhook = "webhook";
    public const string Batch = "batch";
    public const string Poll = "poll";
}

/// <summary>
/// The body of every source event: the platform's record exactly as received, and how it arrived.
/// <see cref="Topic"/> is the webhook topic (e.g. orders/updated) when there is one. One sealed type per event type,
/// because Marten names an event by its .NET type (<see cref="Platform.Events.MartenSetup"/> maps each to the names in
/// <see cref="SourceEventTypes"/>); they differ in name only.
/// </summary>
public abstract record SourceRecordReceived
{
    public required string Source { get; init; }
    public required string Channel { get; init; }
    public string? Topic { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public string? ConnectionId { get; init; }
    public JsonElement Payload { get; init; }

    /// <summary>The event type this body is stored as (one of <see cref="SourceEventTypes"/>).</summary>
    [JsonIgnore]
    public abstract string EventType { get; }

    /// <summary>The .NET type of each event type, for Marten's mapping.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Types = new Dictionary<string, Type>
    {
        [SourceEventTypes.ShopifyOrder] = typeof(ShopifyOrderReceived),
        [SourceEventTypes.ShopifyRefund] = typeof(ShopifyRefundReceived),
        [SourceEventTypes.ShopifyCustomer] = typeof(ShopifyCustomerReceived),
        [SourceEventTypes.ShopifyProduct] = typeof(ShopifyProductReceived),
        [SourceEventTypes.ShopifyCheckout] = typeof(ShopifyCheckoutReceived),
        [SourceEventTypes.ShopifyCart] = typeof(ShopifyCartReceived),
        [SourceEventTypes.MetaInsightsRow] = typeof(MetaInsightsRowReceived),
        [SourceEventTypes.GoogleAdsRow] = typeof(GoogleAdsRowReceived),
    };

    /// <summary>A body of the given event type.</summary>
    public static SourceRecordReceived Create(string eventType, string source, string channel, string? topic,
        DateTimeOffset receivedAt, string? connectionId, JsonElement payload) => eventType switch
    {
        SourceEventTypes.ShopifyOrder => new ShopifyOrderReceived { Source = source, Channel = channel, Topic = topic, ReceivedAt = receivedAt, ConnectionId = connectionId, Payload = payload },
        SourceEventTypes.ShopifyRefund => new ShopifyRefundReceived { Source = source, Channel = channel, Topic = topic, ReceivedAt = receivedAt, ConnectionId = connectionId, Payload = payload },
        SourceEventTypes.ShopifyCustomer => new ShopifyCustomerReceived { Source = source, Channel = channel, Topic = topic, ReceivedAt = receivedAt, ConnectionId = connectionId, Payload = payload },
        SourceEventTypes.ShopifyProduct => new ShopifyProductReceived { Source = source, Channel = channel, Topic = topic, ReceivedAt = receivedAt, ConnectionId = connectionId, Payload = payload },
        SourceEventTypes.ShopifyCheckout => new ShopifyCheckoutReceived { Source = source, Channel = channel, Topic = topic, ReceivedAt = receivedAt, ConnectionId = connectionId, Payload = payload },
        SourceEventTypes.ShopifyCart => new ShopifyCartReceived { Source = source, Channel = channel, Topic = topic, ReceivedAt = receivedAt, ConnectionId = connectionId, Payload = payload },
        SourceEventTypes.MetaInsightsRow => new MetaInsightsRowReceived { Source = source, Channel = channel, Topic = topic, ReceivedAt = receivedAt, ConnectionId = connectionId, Payload = payload },
        SourceEventTypes.GoogleAdsRow => new GoogleAdsRowReceived { Source = source, Channel = channel, Topic = topic, ReceivedAt = receivedAt, ConnectionId = connectionId, Payload = payload },
        _ => throw new ArgumentOutOfRangeException(nameof(eventType), eventType, "not a source event type"),
    };
}

public sealed record ShopifyOrderReceived : SourceRecordReceived { [JsonIgnore] public override string EventType => SourceEventTypes.ShopifyOrder; }
public sealed record ShopifyRefundReceived : SourceRecordReceived { [JsonIgnore] public override string EventType => SourceEventTypes.ShopifyRefund; }
public sealed record ShopifyCustomerReceived : SourceRecordReceived { [JsonIgnore] public override string EventType => SourceEventTypes.ShopifyCustomer; }
public sealed record ShopifyProductReceived : SourceRecordReceived { [JsonIgnore] public override string EventType => SourceEventTypes.ShopifyProduct; }
public sealed record ShopifyCheckoutReceived : SourceRecordReceived { [JsonIgnore] public override string EventType => SourceEventTypes.ShopifyCheckout; }
public sealed record ShopifyCartReceived : SourceRecordReceived { [JsonIgnore] public override string EventType => SourceEventTypes.ShopifyCart; }
public sealed record MetaInsightsRowReceived : SourceRecordReceived { [JsonIgnore] public override string EventType => SourceEventTypes.MetaInsightsRow; }
public sealed record GoogleAdsRowReceived : SourceRecordReceived { [JsonIgnore] public override string EventType => SourceEventTypes.GoogleAdsRow; }

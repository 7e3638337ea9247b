using System.Text.Json;

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
    public const string MetaInsightsRow = "meta_insights_row_received";
    public const string GoogleAdsRow = "google_ads_row_received";

    public static readonly IReadOnlyList<string> All =
        [ShopifyOrder, ShopifyRefund, ShopifyCustomer, ShopifyProduct, ShopifyCheckout, MetaInsightsRow, GoogleAdsRow];
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
/// <paramref name="Topic"/> is the webhook topic (e.g. orders/updated) when there is one.
/// </summary>
public sealed record SourceRecordReceived(
    string Source, string Channel, string? Topic, DateTimeOffset ReceivedAt, string? ConnectionId, JsonElement Payload);

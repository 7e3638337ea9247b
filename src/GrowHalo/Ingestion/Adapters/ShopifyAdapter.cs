using System.Globalization;
using System.Text.Json;
using GrowHalo.Ingestion.Parsing;
using GrowHalo.Ingestion.Shopify;

namespace GrowHalo.Ingestion.Adapters;

/// <summary>
/// Shopify records (webhook JSON, REST records, GraphQL nodes): stream <c>shopify:{resource}:{id}</c>. A webhook's
/// key is its X-Shopify-Webhook-Id when sent (a redelivery is a duplicate), else <c>{topic}:{id}:{updated_at}</c>;
/// a batch or polled record's key is <c>{resource}:{id}:{updated_at}</c>, so a new version of an order (an update,
/// a refund) is a new event and the same version is not. Refunds never change: their version is created_at.
/// </summary>
internal static class ShopifyAdapter
{
    public static (RecordIdentity?, IReadOnlyList<FieldError>) Identify(string resource, JsonElement payload, RecordContext context)
    {
        var (id, version, errors) = resource switch
        {
            Resources.Order => Of(ShopifyOrder.Parse(payload), o => (o.Id, o.UpdatedAt)),
            Resources.Refund => Of(ShopifyRefundParser.Parse(payload), r => (r.Id, r.CreatedAt)),
            Resources.Customer => Of(ShopifyCustomer.Parse(payload), c => (c.Id, c.UpdatedAt)),
            Resources.Product => Of(ShopifyProduct.Parse(payload), p => (p.Id, p.UpdatedAt)),
            Resources.Checkout => Of(ShopifyCheckout.Parse(payload), c => (c.Id, c.UpdatedAt)),
            Resources.Cart => Of(ShopifyCart.Parse(payload), c => (c.Token, c.UpdatedAt)),
            _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, "not a Shopify resource"),
        };
        if (id is null) return (null, errors);

        // A record without its own updated_at (some v1 uploads) is versioned by the sender's sourceTimestamp.
        if (resource != Resources.Refund && context.SourceTimestamp is { } sent && !new JsonFields(payload).Has("updated_at|updatedAt"))
            version = sent;
        var stamp = version.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
        var key = context.Channel == Channels.Webhook
            ? context.DeliveryId ?? $"{context.Topic ?? resource}:{id}:{stamp}"
            : $"{resource}:{id}:{stamp}";
        return (new RecordIdentity($"shopify:{resource}:{id}", EventTypeOf(resource), key), []);
    }

    public static string EventTypeOf(string resource) => resource switch
    {
        Resources.Order => SourceEventTypes.ShopifyOrder,
        Resources.Refund => SourceEventTypes.ShopifyRefund,
        Resources.Customer => SourceEventTypes.ShopifyCustomer,
        Resources.Product => SourceEventTypes.ShopifyProduct,
        Resources.Checkout => SourceEventTypes.ShopifyCheckout,
        Resources.Cart => SourceEventTypes.ShopifyCart,
        _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, "not a Shopify resource"),
    };

    private static (string?, DateTimeOffset, IReadOnlyList<FieldError>) Of<T>(ParseResult<T> parsed, Func<T, (string Id, DateTimeOffset Version)> identity)
        where T : class
    {
        if (parsed.Value is null) return (null, default, parsed.Errors);
        var (id, version) = identity(parsed.Value);
        return (id, version, []);
    }
}

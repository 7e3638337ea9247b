namespace GrowHalo.Ingestion.Adapters;

/// <summary>The platforms GrowHalo takes records from, and the resources each one sends.</summary>
public static class Sources
{
    public const string Shopify = "shopify";
    public const string Meta = "meta";
    public const string Google = "google";
    public static readonly IReadOnlyList<string> All = [Shopify, Meta, Google];

    public static string? Normalize(string? source)
    {
        var s = source?.Trim().ToLowerInvariant();
        return s is not null && All.Contains(s) ? s : null;
    }

    public static IReadOnlyList<string> ResourcesOf(string source) =>
        source == Shopify ? Resources.Shopify : [Resources.AdSpend];
}

/// <summary>Resource names; also the batch API's eventType values.</summary>
public static class Resources
{
    public const string Order = "order";
    public const string Refund = "refund";
    public const string Customer = "customer";
    public const string Product = "product";
    public const string Checkout = "checkout";
    public const string Cart = "cart";
    public const string AdSpend = "ad_spend";
    public static readonly IReadOnlyList<string> Shopify = [Order, Refund, Customer, Product, Checkout, Cart];
}

/// <summary>Shopify webhook topics GrowHalo takes, and the resource each one carries.</summary>
public static class ShopifyTopics
{
    private static readonly Dictionary<string, string> ResourceByTopic = new(StringComparer.OrdinalIgnoreCase)
    {
        ["orders/create"] = Resources.Order,
        ["orders/updated"] = Resources.Order,
        ["orders/paid"] = Resources.Order,
        ["orders/cancelled"] = Resources.Order,
        ["orders/fulfilled"] = Resources.Order,
        ["orders/partially_fulfilled"] = Resources.Order,
        ["refunds/create"] = Resources.Refund,
        ["customers/create"] = Resources.Customer,
        ["customers/update"] = Resources.Customer,
        ["products/create"] = Resources.Product,
        ["products/update"] = Resources.Product,
        ["checkouts/create"] = Resources.Checkout,
        ["checkouts/update"] = Resources.Checkout,
        ["carts/create"] = Resources.Cart,
        ["carts/update"] = Resources.Cart,
    };

    public static IEnumerable<string> All => ResourceByTopic.Keys;

    public static string? ResourceOf(string? topic) =>
        topic is not null && ResourceByTopic.TryGetValue(topic.Trim(), out var resource) ? resource : null;
}

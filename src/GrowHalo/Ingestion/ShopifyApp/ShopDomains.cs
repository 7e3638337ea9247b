using System.Text.RegularExpressions;

namespace GrowHalo.Ingestion.ShopifyApp;

/// <summary>
/// Which shop names an install accepts, and where each shop's Admin API is. Shopify's rule is
/// <c>^[a-z0-9][a-z0-9-]*\.myshopify\.com$</c>, reached at https://{shop}. With stand-in shops allowed (demo, tests),
/// every shop is reached at the simulator's stand-in instead, which plays a myshopify shop: its webhooks and records
/// carry that name like a real shop's. Anything else never leaves GrowHalo as a redirect.
/// </summary>
public static partial class ShopDomains
{
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")]
    private static partial Regex MyShopify();

    /// <summary>The shop in its one spelling (lower case), or null when it may not install.</summary>
    public static string? Validate(string? shop)
    {
        var value = shop?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(value) || value.Length > 255) return null;
        return MyShopify().IsMatch(value) ? value : null;
    }

    /// <summary>Where the shop's /admin lives: https://{shop}, or the stand-in.</summary>
    public static string BaseUrl(string shop, ShopifyAppOptions options) =>
        options.AllowStandInShops ? options.StandInUrl!.TrimEnd('/') : $"https://{shop}";

    /// <summary>The api_base_url a new connection records (null: the shop's own https://{shop}).</summary>
    public static string? ApiBaseUrl(ShopifyAppOptions options) => options.AllowStandInShops ? options.StandInUrl!.TrimEnd('/') : null;

    public const string Rule = "a shop's myshopify domain, such as acme.myshopify.com (letters, digits and hyphens, then .myshopify.com)";
}

using GrowHalo.Ingestion.Adapters;

namespace GrowHalo.Ingestion.Connections;

/// <summary>
/// One spelling per platform account, so a webhook finds its connection however the id was typed: Shopify shop
/// domains in lower case without scheme or slash, Meta ad account ids without "act_", Google customer ids without dashes.
/// </summary>
public static class AccountIds
{
    public static string? Normalize(string source, string? raw)
    {
        var value = raw?.Trim();
        if (string.IsNullOrEmpty(value)) return null;
        switch (source)
        {
            case Sources.Shopify:
                value = value.ToLowerInvariant();
                if (value.StartsWith("https://", StringComparison.Ordinal)) value = value[8..];
                if (value.StartsWith("http://", StringComparison.Ordinal)) value = value[7..];
                value = value.TrimEnd('/');
                return value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-') ? value : null;
            case Sources.Meta:
                if (value.StartsWith("act_", StringComparison.OrdinalIgnoreCase)) value = value[4..];
                return value.Length > 0 && value.All(char.IsAsciiDigit) ? value : null;
            case Sources.Google:
                value = value.Replace("-", "");
                return value.Length > 0 && value.All(char.IsAsciiDigit) ? value : null;
            default:
                return null;
        }
    }

    public static string Example(string source) => source switch
    {
        Sources.Shopify => "the shop's myshopify domain, e.g. acme.myshopify.com",
        Sources.Meta => "the ad account id, e.g. act_1234567890 or 1234567890",
        _ => "the Google Ads customer id, e.g. 123-456-7890",
    };
}

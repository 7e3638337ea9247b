using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GrowHalo.Ingestion.Adapters;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Parsing;

namespace GrowHalo.Ingestion.Webhooks;

/// <summary>
/// How each platform signs a webhook and says which account it is for. All three are HMAC-SHA256 over the raw body
/// bytes with the connection's webhook secret, compared in constant time:
/// Shopify <c>X-Shopify-Hmac-Sha256: base64</c>, account in <c>X-Shopify-Shop-Domain</c>;
/// Meta <c>X-Hub-Signature-256: sha256=hex</c>, account in the body's rows (<c>account_id</c>);
/// Google (ours, Google Ads sends no webhooks) <c>X-GrowHalo-Signature: sha256=hex</c>, account in <c>X-GrowHalo-Account</c>.
/// </summary>
internal sealed record WebhookScheme(string Source, string SignatureHeader, bool Base64, string? AccountHeader, string AccountField)
{
    public static WebhookScheme For(string source) => source switch
    {
        Sources.Shopify => new(source, "X-Shopify-Hmac-Sha256", Base64: true, "X-Shopify-Shop-Domain", "shop_domain|myshopify_domain"),
        Sources.Meta => new(source, "X-Hub-Signature-256", Base64: false, null, "account_id"),
        _ => new(source, "X-GrowHalo-Signature", Base64: false, "X-GrowHalo-Account", "customer.id|customer_id"),
    };

    /// <summary>The account a record says it belongs to, normalised; null when it does not say.</summary>
    public string? AccountOf(JsonElement record) => AccountIds.Normalize(Source, new JsonFields(record).Id(AccountField));

    public string Sign(string secret, ReadOnlySpan<byte> body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return Base64 ? Convert.ToBase64String(mac) : "sha256=" + Convert.ToHexStringLower(mac);
    }

    public bool Verify(string secret, ReadOnlySpan<byte> body, string? signature)
    {
        if (string.IsNullOrWhiteSpace(signature)) return false;
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        var presented = Decode(signature.Trim());
        return presented is not null && CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    private byte[]? Decode(string signature)
    {
        try
        {
            if (Base64) return Convert.FromBase64String(signature);
            return signature.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase) ? Convert.FromHexString(signature[7..]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public string Format => Base64 ? "the base64 HMAC-SHA256 of the raw body" : "sha256= followed by the hex HMAC-SHA256 of the raw body";
}

using System.Security.Cryptography;
using System.Text;

namespace GrowHalo.Ingestion.ShopifyApp;

/// <summary>
/// Shopify's proof on an OAuth callback's query: the hex HMAC-SHA256, made with the app's client secret, of every
/// query parameter but <c>hmac</c>, sorted by name and joined as <c>name=value</c> with <c>&amp;</c> (values as
/// decoded). Compared in constant time.
/// </summary>
public static class QueryHmac
{
    public static string Message(IEnumerable<KeyValuePair<string, string>> query) =>
        string.Join('&', query.Where(p => p.Key != "hmac").OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    public static string Sign(string secret, IEnumerable<KeyValuePair<string, string>> query) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(Message(query))));

    public static bool Verify(string secret, IQueryCollection query)
    {
        var presented = query["hmac"].ToString();
        if (presented.Length != 64 || query["hmac"].Count != 1) return false;
        byte[] given;
        try { given = Convert.FromHexString(presented); }
        catch (FormatException) { return false; }
        var pairs = query.Select(p => new KeyValuePair<string, string>(p.Key, p.Value.ToString()));
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(Message(pairs)));
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}

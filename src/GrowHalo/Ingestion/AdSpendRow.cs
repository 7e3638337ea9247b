using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GrowHalo.Ingestion;

/// <summary>
/// One day of one campaign's spend as a platform reports it (Meta insights row, Google Ads row), in the account's
/// currency. Platforms restate recent days; the idempotency key includes a hash of the metric values, so a restated
/// row is a new event and the same row again is a duplicate.
/// </summary>
public sealed record AdSpendRow(
    string Platform, string? AccountId, string CampaignId, string? CampaignName, DateOnly Date, decimal Spend, string? Currency,
    long Impressions, long Clicks, decimal Conversions, decimal ConversionValue)
{
    public string StreamId => $"{Platform}:campaign:{CampaignId}";

    public string IdempotencyKey => $"{CampaignId}:{Date:yyyy-MM-dd}:{MetricsHash}";

    private string MetricsHash
    {
        get
        {
            var canonical = string.Join('|', AccountId, Spend.ToString(CultureInfo.InvariantCulture), Impressions, Clicks,
                Conversions.ToString(CultureInfo.InvariantCulture), ConversionValue.ToString(CultureInfo.InvariantCulture), Currency);
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
        }
    }
}

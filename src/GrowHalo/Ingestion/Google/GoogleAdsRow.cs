using System.Text.Json;
using GrowHalo.Ingestion.Parsing;

namespace GrowHalo.Ingestion.Google;

/// <summary>
/// Google Ads rows: a <c>searchStream</c> result (<c>campaign</c>, <c>segments</c>, <c>metrics</c>, <c>customer</c>;
/// camelCase, int64 as strings) or the v1 flat row (campaign_id, campaign_name, cost_micros, impressions, clicks, date).
/// Spend is cost_micros ÷ 1,000,000 in the account's currency.
/// </summary>
public static class GoogleAdsRow
{
    public static ParseResult<AdSpendRow> Parse(JsonElement json)
    {
        using var f = new JsonFields(json);
        var campaign = f.Id("campaign.id|campaign_id", required: true);
        var date = f.Date("segments.date|date", required: true);
        var micros = f.Long("metrics.costMicros|metrics.cost_micros|cost_micros", required: true);
        if (micros < 0) f.Error("cost_micros", "must not be negative");
        if (f.Errors.Count > 0 || campaign is null || date is null || micros is null) return ParseResult<AdSpendRow>.Invalid(f.Errors);
        return ParseResult<AdSpendRow>.Ok(new AdSpendRow("google",
            f.Id("customer.id|customer_id"), campaign, f.String("campaign.name|campaign_name"), date.Value,
            micros.Value / 1_000_000m, f.String("customer.currencyCode|customer.currency_code|currency_code")?.ToUpperInvariant(),
            f.Long("metrics.impressions|impressions") ?? 0, f.Long("metrics.clicks|clicks") ?? 0,
            f.Decimal("metrics.conversions|conversions") ?? 0m,
            f.Decimal("metrics.conversionsValue|metrics.conversions_value|conversions_value") ?? 0m));
    }

    /// <summary>searchStream answers with an array of batches, each { results: [...] }; accept that, one batch, or a flat row.</summary>
    public static IReadOnlyList<JsonElement> Rows(JsonElement body)
    {
        if (body.ValueKind == JsonValueKind.Array)
            return body.EnumerateArray().SelectMany(b => b.ValueKind == JsonValueKind.Object && b.TryGetProperty("results", out var r)
                ? r.EnumerateArray() : Enumerable.Repeat(b, 1)).ToList();
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array)
            return results.EnumerateArray().ToList();
        return [body];
    }
}

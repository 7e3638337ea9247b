using System.Text.Json;
using GrowHalo.Ingestion.Parsing;

namespace GrowHalo.Ingestion.Meta;

/// <summary>
/// Meta insights rows (level=campaign, time_increment=1): spend and counts arrive as strings; dates are in the ad
/// account's time zone. actions/action_values list overlapping purchase types: we pick one, never sum them.
/// </summary>
public static class MetaInsightsRow
{
    /// <summary>Preferred purchase action types, in order.</summary>
    public static readonly IReadOnlyList<string> PurchaseTypes = ["omni_purchase", "offsite_conversion.fb_pixel_purchase", "purchase"];

    public static ParseResult<AdSpendRow> Parse(JsonElement json)
    {
        using var f = new JsonFields(json);
        var campaign = f.Id("campaign_id", required: true);
        var start = f.Date("date_start", required: true);
        var stop = f.Date("date_stop") ?? start;
        var spend = f.Decimal("spend", required: true);
        if (start is not null && stop is not null && start != stop)
            f.Error("date_stop", "must equal date_start: one row per day (request insights with time_increment=1)");
        if (spend < 0) f.Error("spend", "must not be negative");
        var currency = f.String("account_currency");
        if (f.Errors.Count > 0 || campaign is null || start is null || spend is null) return ParseResult<AdSpendRow>.Invalid(f.Errors);
        var account = f.String("account_id");
        return ParseResult<AdSpendRow>.Ok(new AdSpendRow("meta", account is null ? null : account.Replace("act_", ""), campaign,
            f.String("campaign_name"), start.Value, spend.Value, currency?.ToUpperInvariant(), f.Long("impressions") ?? 0,
            f.Long("clicks") ?? 0, Pick(f, "actions"), Pick(f, "action_values")));
    }

    /// <summary>Meta's <c>data[]</c> envelope or a single flat row.</summary>
    public static IReadOnlyList<JsonElement> Rows(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
            ? data.EnumerateArray().ToList()
            : [body];

    private static decimal Pick(JsonFields f, string list)
    {
        var values = f.Array(list).Select(a => new JsonFields(a))
            .Select(a => (Type: a.String("action_type"), Value: a.Decimal("value") ?? 0m)).ToList();
        foreach (var type in PurchaseTypes)
            foreach (var v in values)
                if (v.Type == type) return v.Value;
        return 0m;
    }
}

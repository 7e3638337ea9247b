using System.Globalization;
using System.Text.Json.Nodes;

namespace GrowHalo.Simulator.World;

/// <summary>Ad days in the platforms' own shapes: a Meta insights row and a Google Ads searchStream result.</summary>
public static class AdRowJson
{
    private static string S(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string S(decimal v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>Meta: every number is a string; actions list overlapping purchase types with the same count.</summary>
    public static JsonObject Meta(AdDay day, WorldOptions options)
    {
        var date = day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var purchases = S(day.Conversions);
        var value = S(day.ConversionValue);
        return new JsonObject
        {
            ["account_id"] = options.MetaAccountId,
            ["account_currency"] = options.Currency,
            ["campaign_id"] = day.Campaign.Id,
            ["campaign_name"] = day.Campaign.Name,
            ["spend"] = S(day.Spend),
            ["impressions"] = S(day.Impressions),
            ["clicks"] = S(day.Clicks),
            ["cpc"] = day.Clicks == 0 ? "0" : S(Math.Round(day.Spend / day.Clicks, 6)),
            ["ctr"] = day.Impressions == 0 ? "0" : S(Math.Round(day.Clicks * 100m / day.Impressions, 6)),
            ["actions"] = new JsonArray(
                Action("link_click", S(day.Clicks)), Action("omni_purchase", purchases),
                Action("offsite_conversion.fb_pixel_purchase", purchases), Action("purchase", purchases)),
            ["action_values"] = new JsonArray(
                Action("omni_purchase", value), Action("offsite_conversion.fb_pixel_purchase", value), Action("purchase", value)),
            ["date_start"] = date,
            ["date_stop"] = date,
        };
    }

    /// <summary>Google Ads: camelCase, int64 as strings, doubles as numbers, cost in micros.</summary>
    public static JsonObject Google(AdDay day, WorldOptions options) => new()
    {
        ["customer"] = new JsonObject
        {
            ["resourceName"] = $"customers/{options.GoogleCustomerId}",
            ["id"] = options.GoogleCustomerId,
            ["currencyCode"] = options.Currency,
            ["timeZone"] = options.TimeZone,
        },
        ["campaign"] = new JsonObject
        {
            ["resourceName"] = $"customers/{options.GoogleCustomerId}/campaigns/{day.Campaign.Id}",
            ["id"] = day.Campaign.Id,
            ["name"] = day.Campaign.Name,
            ["status"] = "ENABLED",
            ["advertisingChannelType"] = day.Campaign.Name.StartsWith("Search", StringComparison.Ordinal) ? "SEARCH" : "PERFORMANCE_MAX",
        },
        ["metrics"] = new JsonObject
        {
            ["clicks"] = S(day.Clicks),
            ["impressions"] = S(day.Impressions),
            ["costMicros"] = S((long)(day.Spend * 1_000_000m)),
            ["conversions"] = (double)day.Conversions,
            ["conversionsValue"] = (double)day.ConversionValue,
        },
        ["segments"] = new JsonObject { ["date"] = day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
    };

    private static JsonObject Action(string type, string value) => new() { ["action_type"] = type, ["value"] = value };
}

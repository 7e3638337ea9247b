using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GrowHalo.Simulator.World;

namespace GrowHalo.Simulator.StandIns;

/// <summary>
/// Google Ads API: <c>POST /v17/customers/{id}/googleAds:searchStream</c> with a GAQL query over <c>campaign</c>
/// filtered on <c>segments.date</c> → a JSON array of <c>{results:[…], fieldMask, requestId}</c> batches.
/// </summary>
internal static partial class GoogleAdsStandIn
{
    public static void Map(IEndpointRouteBuilder app, StandInState state) =>
        app.MapPost("/{version}/customers/{customer}/googleAds:searchStream",
            async (string customer, HttpContext http) => Search(state, customer, await JsonNode.ParseAsync(http.Request.Body), http));

    private static IResult Search(StandInState state, string customer, JsonNode? body, HttpContext http)
    {
        if (string.IsNullOrEmpty(http.Request.Headers["developer-token"]) || string.IsNullOrEmpty(http.Request.Headers.Authorization))
            return Error(401, "UNAUTHENTICATED", "Request is missing required authentication credential (developer-token and Authorization: Bearer).");
        if (state.Fault(StandInApi.Google, http) is { } fault) return fault;
        if (customer != state.World.Options.GoogleCustomerId)
            return Error(403, "PERMISSION_DENIED", $"The caller does not have permission to access customer {customer}.");
        var query = body?["query"]?.GetValue<string>() ?? "";
        if (!FromCampaign().IsMatch(query))
            return Error(400, "INVALID_ARGUMENT", "This stand-in answers queries FROM campaign.");
        var between = Between().Match(query);
        var range = between.Success ? between : Bounds().Match(query);
        if (!range.Success || !DateOnly.TryParseExact(range.Groups[1].Value, "yyyy-MM-dd", out var from) ||
            !DateOnly.TryParseExact(range.Groups[2].Value, "yyyy-MM-dd", out var to) || to < from)
            return Error(400, "INVALID_ARGUMENT", "A query selecting segments.date needs a finite range: WHERE segments.date BETWEEN 'YYYY-MM-DD' AND 'YYYY-MM-DD'.");

        var rows = state.World.Ads.Days("google", from, to, state.Now).Select(d => (JsonNode?)AdRowJson.Google(d, state.World.Options)).ToList();
        var batches = rows.Chunk(state.Options.GoogleBatchSize).Select((chunk, i) => (JsonNode?)new JsonObject
        {
            ["results"] = new JsonArray(chunk.Select(r => r).ToArray()),
            ["fieldMask"] = "customer.id,customer.currencyCode,customer.timeZone,campaign.id,campaign.name,campaign.status,metrics.clicks,metrics.impressions,metrics.costMicros,metrics.conversions,metrics.conversionsValue,segments.date",
            ["requestId"] = $"sim-{from:yyyyMMdd}-{to:yyyyMMdd}-{i}",
        }).ToList();
        if (batches.Count == 0) batches.Add(new JsonObject { ["results"] = new JsonArray(), ["requestId"] = $"sim-{from:yyyyMMdd}-{to:yyyyMMdd}-0" });
        return StandInState.Json(new JsonArray(batches.ToArray()));
    }

    private static IResult Error(int code, string status, string message) => StandInState.Json(new JsonArray(new JsonObject
    {
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status },
    }), code);

    [GeneratedRegex(@"\bFROM\s+campaign\b", RegexOptions.IgnoreCase)]
    private static partial Regex FromCampaign();

    [GeneratedRegex(@"segments\.date\s+BETWEEN\s+'([\d-]+)'\s+AND\s+'([\d-]+)'", RegexOptions.IgnoreCase)]
    private static partial Regex Between();

    [GeneratedRegex(@"segments\.date\s*>=\s*'([\d-]+)'.*segments\.date\s*<=\s*'([\d-]+)'", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Bounds();
}

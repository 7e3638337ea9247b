using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Simulator.World;

namespace GrowHalo.Simulator.StandIns;

/// <summary>
/// Meta Marketing API: <c>GET /v19.0/act_{id}/insights?level=campaign&amp;time_increment=1&amp;time_range={"since":…,"until":…}</c>
/// → <c>data[]</c> (one row per campaign and day, numbers as strings) with <c>paging.cursors.after</c> and
/// <c>paging.next</c>. Recent days come back restated as the simulated platform settles them.
/// </summary>
internal static class MetaInsightsStandIn
{
    private sealed record TimeRange(string? Since, string? Until);

    public static void Map(IEndpointRouteBuilder app, StandInState state) =>
        app.MapGet("/{version}/act_{account}/insights", (string version, string account, HttpContext http) => Insights(state, version, account, http));

    private static IResult Insights(StandInState state, string version, string account, HttpContext http)
    {
        var q = http.Request.Query;
        if (string.IsNullOrEmpty(q["access_token"]) && string.IsNullOrEmpty(http.Request.Headers.Authorization))
            return Error(190, "OAuthException", "An access token is required to request this resource.", 400);
        if (state.Fault(StandInApi.Meta, http) is { } fault) return fault;
        if (account != state.World.Options.MetaAccountId)
            return Error(100, "OAuthException", $"(#100) Unsupported get request. Object with ID 'act_{account}' does not exist.", 400);
        if (q["level"] != "campaign" || q["time_increment"] != "1")
            return Error(100, "OAuthException", "(#100) This stand-in serves level=campaign with time_increment=1.", 400);
        TimeRange? range = null;
        try { range = JsonSerializer.Deserialize<TimeRange>(q["time_range"].ToString(), new JsonSerializerOptions(JsonSerializerDefaults.Web)); }
        catch (JsonException) { }
        if (!DateOnly.TryParseExact(range?.Since, "yyyy-MM-dd", out var since) || !DateOnly.TryParseExact(range?.Until, "yyyy-MM-dd", out var until) || until < since)
            return Error(100, "OAuthException", "(#100) time_range must be {\"since\":\"YYYY-MM-DD\",\"until\":\"YYYY-MM-DD\"} with since <= until.", 400);

        var limit = int.TryParse(q["limit"], out var l) && l > 0 ? l : state.Options.MetaPageSize;
        var offset = PageToken.Decode<int[]>(q["after"])?.FirstOrDefault() ?? 0;
        var now = state.Now;
        var rows = state.World.Ads.Days("meta", since, until, now).ToList();
        var page = rows.Skip(offset).Take(limit).Select(d => (JsonNode?)AdRowJson.Meta(d, state.World.Options)).ToArray();
        var paging = new JsonObject
        {
            ["cursors"] = new JsonObject { ["before"] = PageToken.Encode(new[] { offset }), ["after"] = PageToken.Encode(new[] { offset + page.Length }) },
        };
        if (offset + page.Length < rows.Count)
        {
            var query = string.Join('&', q.Where(p => p.Key != "after").Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value.ToString())}"));
            paging["next"] = $"{http.Request.Scheme}://{http.Request.Host}/{version}/act_{account}/insights?{query}&after={PageToken.Encode(new[] { offset + page.Length })}";
        }
        return StandInState.Json(new JsonObject { ["data"] = new JsonArray(page), ["paging"] = paging });
    }

    private static IResult Error(int code, string type, string message, int status) => StandInState.Json(new JsonObject
    {
        ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["code"] = code, ["fbtrace_id"] = "AsimulatedTrace" },
    }, status);

    internal static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

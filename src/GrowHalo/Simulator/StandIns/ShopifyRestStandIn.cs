using System.Globalization;
using System.Text.Json.Nodes;
using GrowHalo.Simulator.World;

namespace GrowHalo.Simulator.StandIns;

/// <summary>
/// Shopify Admin REST: <c>GET /admin/api/2024-10/{orders|customers|products|checkouts}.json?updated_at_min=…&amp;limit=…</c>,
/// sorted by updated_at, paged with <c>Link: &lt;…page_info=…&gt;; rel="next"</c>, behind the 40-request leaky bucket
/// reported in <c>X-Shopify-Shop-Api-Call-Limit</c> (429 with Retry-After when full).
/// </summary>
internal static class ShopifyRestStandIn
{
    private sealed record Cursor(string Resource, DateTimeOffset? Min, DateTimeOffset? Max, string Status, DateTimeOffset LastAt, long LastId);

    public static void Map(IEndpointRouteBuilder app, StandInState state)
    {
        app.MapGet("/admin/api/{version}/{resource}.json", (string version, string resource, HttpContext http) => List(state, version, resource, http));
        app.MapGet("/admin/api/{version}/{resource}/count.json", (string resource, HttpContext http) => Count(state, resource, http));
    }

    /// <summary><c>GET …/{resource}/count.json?updated_at_min=…&amp;status=…</c>: <c>{"count": n}</c> of what the list would page through.</summary>
    private static IResult Count(StandInState state, string resource, HttpContext http)
    {
        if (string.IsNullOrEmpty(http.Request.Headers["X-Shopify-Access-Token"]))
            return StandInState.Json(new JsonObject { ["errors"] = "[API] Invalid API key or access token (unrecognized login or wrong password)" }, 401);
        if (state.Fault(StandInApi.ShopifyRest, http) is { } fault) return fault;
        if (!Enum.TryParse<ShopifyResource>(resource, ignoreCase: true, out var kind))
            return StandInState.Json(new JsonObject { ["errors"] = "Not Found" }, 404);
        var q = http.Request.Query;
        var (min, max) = (Time(q["updated_at_min"]), Time(q["updated_at_max"]));
        var status = string.IsNullOrEmpty(q["status"]) ? "open" : q["status"].ToString();
        var now = state.Now;
        var count = state.World.Records(kind, now)
            .Select(r => (Record: r, UpdatedAt: r.UpdatedAt(now)))
            .Count(r => (min is null || r.UpdatedAt >= min) && (max is null || r.UpdatedAt <= max)
                        && (kind != ShopifyResource.Orders || MatchesStatus((SimOrder)r.Record, status, now)));
        return StandInState.Json(new JsonObject { ["count"] = count });
    }

    private static IResult List(StandInState state, string version, string resource, HttpContext http)
    {
        if (string.IsNullOrEmpty(http.Request.Headers["X-Shopify-Access-Token"]))
            return StandInState.Json(new JsonObject { ["errors"] = "[API] Invalid API key or access token (unrecognized login or wrong password)" }, 401);
        if (state.Fault(StandInApi.ShopifyRest, http) is { } fault) return fault;
        var (allowed, level) = state.RestBucket.TryAdd(1);
        http.Response.Headers["X-Shopify-Shop-Api-Call-Limit"] = $"{(int)Math.Ceiling(level)}/{(int)state.RestBucket.Size}";
        if (!allowed)
        {
            http.Response.Headers.RetryAfter = state.Options.RetryAfterSeconds.ToString("0.0#", CultureInfo.InvariantCulture);
            return StandInState.Json(new JsonObject { ["errors"] = "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." }, 429);
        }
        if (!Enum.TryParse<ShopifyResource>(resource, ignoreCase: true, out var kind))
            return StandInState.Json(new JsonObject { ["errors"] = "Not Found" }, 404);

        var q = http.Request.Query;
        var limit = int.TryParse(q["limit"], out var l) ? l : 50;
        if (limit < 1 || limit > state.Options.MaxShopifyPage)
            return StandInState.Json(new JsonObject { ["errors"] = new JsonObject { ["limit"] = $"must be between 1 and {state.Options.MaxShopifyPage}" } }, 400);
        Cursor? cursor = null;
        if (!string.IsNullOrEmpty(q["page_info"]))
        {
            cursor = PageToken.Decode<Cursor>(q["page_info"]);
            if (cursor is null || cursor.Resource != resource)
                return StandInState.Json(new JsonObject { ["errors"] = new JsonObject { ["page_info"] = "Invalid value." } }, 400);
        }
        var min = cursor?.Min ?? Time(q["updated_at_min"]);
        var max = cursor?.Max ?? Time(q["updated_at_max"]);
        var status = cursor?.Status ?? (string.IsNullOrEmpty(q["status"]) ? "open" : q["status"].ToString());

        var now = state.Now;
        var rows = state.World.Records(kind, now)
            .Select(r => (Record: r, UpdatedAt: r.UpdatedAt(now)))
            .Where(r => (min is null || r.UpdatedAt >= min) && (max is null || r.UpdatedAt <= max))
            .Where(r => kind != ShopifyResource.Orders || MatchesStatus((SimOrder)r.Record, status, now))
            .Where(r => cursor is null || r.UpdatedAt > cursor.LastAt || (r.UpdatedAt == cursor.LastAt && r.Record.Id > cursor.LastId))
            .OrderBy(r => r.UpdatedAt).ThenBy(r => r.Record.Id)
            .Take(limit + 1).ToList();
        var page = rows.Take(limit).ToList();
        if (rows.Count > limit)
        {
            var last = page[^1];
            var token = PageToken.Encode(new Cursor(resource, min, max, status, last.UpdatedAt, last.Record.Id));
            var url = $"{http.Request.Scheme}://{http.Request.Host}/admin/api/{version}/{resource}.json?limit={limit}&page_info={token}";
            http.Response.Headers.Link = $"<{url}>; rel=\"next\"";
        }
        var items = new JsonArray(page.Select(r => (JsonNode?)r.Record.Render(now, state.World.Clock)).ToArray());
        return StandInState.Json(new JsonObject { [resource] = items });
    }

    private static bool MatchesStatus(SimOrder order, string status, DateTimeOffset now) => status switch
    {
        "any" => true,
        "cancelled" => order.CancelledAt <= now,
        _ => !(order.CancelledAt <= now), // open (the default) and closed: not cancelled
    };

    private static DateTimeOffset? Time(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}

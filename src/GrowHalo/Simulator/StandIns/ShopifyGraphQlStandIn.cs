using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GrowHalo.Simulator.World;

namespace GrowHalo.Simulator.StandIns;

/// <summary>
/// Shopify Admin GraphQL: <c>orders</c> and <c>customers</c> connections (first/after/query "updated_at:&gt;=…",
/// sorted by updated_at) with <c>pageInfo { hasNextPage endCursor }</c>, and cost-based throttling reported in
/// <c>extensions.cost.throttleStatus</c>; a query that does not fit the remaining points gets a THROTTLED error.
/// Only the connection arguments are read; every node carries the same fields whatever the selection.
/// </summary>
internal static partial class ShopifyGraphQlStandIn
{
    private sealed record Cursor(DateTimeOffset At, long Id);

    public static void Map(IEndpointRouteBuilder app, StandInState state) =>
        app.MapPost("/admin/api/{version}/graphql.json", async (string version, HttpContext http) => Query(state, await JsonNode.ParseAsync(http.Request.Body), http));

    private static IResult Query(StandInState state, JsonNode? body, HttpContext http)
    {
        if (string.IsNullOrEmpty(http.Request.Headers["X-Shopify-Access-Token"]))
            return StandInState.Json(new JsonObject { ["errors"] = "[API] Invalid API key or access token (unrecognized login or wrong password)" }, 401);
        if (state.Fault(StandInApi.ShopifyGraphQl, http) is { } fault) return fault;
        var text = body?["query"]?.GetValue<string>() ?? "";
        var variables = body?["variables"] as JsonObject;
        var root = RootField().Match(text);
        if (!root.Success)
            return StandInState.Json(new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["message"] = "This stand-in answers orders and customers connections only." }) });
        var resource = root.Groups[1].Value == "orders" ? ShopifyResource.Orders : ShopifyResource.Customers;
        var first = int.Parse(Arg(text, variables, "first") ?? "50", CultureInfo.InvariantCulture);
        if (first is < 1 or > 250)
            return StandInState.Json(new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["message"] = "The 'first' argument must be between 1 and 250." }) });
        var requested = 2 + first * (resource == ShopifyResource.Orders ? 4 : 1);
        var (allowed, level) = state.GraphQlBucket.TryAdd(requested);
        var cost = Cost(state, requested, allowed ? requested : 0, level);
        if (!allowed)
            return StandInState.Json(new JsonObject
            {
                ["errors"] = new JsonArray(new JsonObject
                {
                    ["message"] = "Throttled",
                    ["extensions"] = new JsonObject { ["code"] = "THROTTLED", ["documentation"] = "https://shopify.dev/api/usage/rate-limits" },
                }),
                ["extensions"] = cost,
            });

        var after = PageToken.Decode<Cursor>(Arg(text, variables, "after"));
        var filter = UpdatedSince().Match(Arg(text, variables, "query") ?? "");
        DateTimeOffset? since = filter.Success ? DateTimeOffset.Parse(filter.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        var now = state.Now;
        var rows = state.World.Records(resource, now)
            .Select(r => (Record: r, At: r.UpdatedAt(now)))
            .Where(r => since is null || r.At >= since)
            .Where(r => after is null || r.At > after.At || (r.At == after.At && r.Record.Id > after.Id))
            .OrderBy(r => r.At).ThenBy(r => r.Record.Id).Take(first + 1).ToList();
        var page = rows.Take(first).ToList();
        var edges = page.Select(r => (JsonNode?)new JsonObject
        {
            ["cursor"] = PageToken.Encode(new Cursor(r.At, r.Record.Id)),
            ["node"] = resource == ShopifyResource.Orders
                ? GraphQlNodes.Order((SimOrder)r.Record, now, state.World.Clock)
                : GraphQlNodes.Customer((SimCustomer)r.Record, now, state.World.Clock),
        }).ToArray();
        return StandInState.Json(new JsonObject
        {
            ["data"] = new JsonObject
            {
                [root.Groups[1].Value] = new JsonObject
                {
                    ["edges"] = new JsonArray(edges),
                    ["pageInfo"] = new JsonObject
                    {
                        ["hasNextPage"] = rows.Count > first,
                        ["endCursor"] = page.Count == 0 ? null : PageToken.Encode(new Cursor(page[^1].At, page[^1].Record.Id)),
                    },
                },
            },
            ["extensions"] = Cost(state, requested, 2 + page.Count * (resource == ShopifyResource.Orders ? 4 : 1), level),
        });
    }

    private static JsonObject Cost(StandInState state, int requested, int actual, double level) => new()
    {
        ["cost"] = new JsonObject
        {
            ["requestedQueryCost"] = requested,
            ["actualQueryCost"] = actual,
            ["throttleStatus"] = new JsonObject
            {
                ["maximumAvailable"] = state.Options.GraphQlMaxCost,
                ["currentlyAvailable"] = Math.Floor(state.Options.GraphQlMaxCost - level),
                ["restoreRate"] = state.Options.GraphQlRestoreRate,
            },
        },
    };

    /// <summary>An argument written inline (first: 50, after: "…") or passed as a variable (first: $first).</summary>
    private static string? Arg(string text, JsonObject? variables, string name)
    {
        var m = Regex.Match(text, name + @"\s*:\s*(?:\$(\w+)|""((?:[^""\\]|\\.)*)""|(\d+))");
        if (!m.Success) return null;
        if (m.Groups[1].Success)
        {
            var v = variables?[m.Groups[1].Value];
            return v is null ? null : v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString();
        }
        return m.Groups[2].Success ? Regex.Unescape(m.Groups[2].Value) : m.Groups[3].Value;
    }

    [GeneratedRegex(@"\b(orders|customers)\s*\(")]
    private static partial Regex RootField();

    [GeneratedRegex(@"updated_at:>=?'?([0-9T:\-+.Z]+)'?")]
    private static partial Regex UpdatedSince();
}

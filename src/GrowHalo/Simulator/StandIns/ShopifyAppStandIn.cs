using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace GrowHalo.Simulator.StandIns;

/// <summary>A webhook subscription an app made at the stand-in shop.</summary>
public sealed record RegisteredWebhook(string Topic, string Address, string AccessToken);

/// <summary>
/// The app side of the Shopify stand-in, for the shop it plays (<see cref="StandInOptions.ShopDomain"/>), with the app
/// it was told about (<see cref="StandInOptions.AppClientId"/> and secret):
/// <c>GET /admin/oauth/authorize</c> approves at once and sends the browser back to redirect_uri with code, shop, state,
/// timestamp, host and Shopify's hmac; <c>POST /admin/oauth/access_token</c> trades a code (once) for a token;
/// <c>POST /admin/api/{version}/webhooks.json</c> records subscriptions (422 for a topic and address already taken).
/// </summary>
internal static class ShopifyAppStandIn
{
    public static void Map(IEndpointRouteBuilder app, StandInState state)
    {
        app.MapGet("/admin/oauth/authorize", (HttpContext http) => Authorize(state, http));
        // Two parameters: a lambda of HttpContext alone returning a Task would be taken as a RequestDelegate, its IResult dropped.
        app.MapPost("/admin/oauth/access_token", (HttpContext http, CancellationToken ct) => AccessTokenAsync(state, http));
        app.MapPost("/admin/api/{version}/webhooks.json", async (string version, HttpContext http) => await RegisterAsync(state, http));
    }

    private static IResult Authorize(StandInState state, HttpContext http)
    {
        var q = http.Request.Query;
        var o = state.Options;
        if (o.AppClientId is null || q["client_id"] != o.AppClientId)
            return Results.Text($"Oauth error invalid_request: The client_id '{q["client_id"]}' is not an app this shop knows.", statusCode: 400);
        if (!Uri.TryCreate(q["redirect_uri"], UriKind.Absolute, out var redirect))
            return Results.Text("Oauth error invalid_request: The redirect_uri is missing or not absolute.", statusCode: 400);
        var code = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        state.App.Codes[code] = q["scope"].ToString();
        var back = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["code"] = code,
            ["host"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.ShopDomain}/admin")),
            ["shop"] = o.ShopDomain,
            ["state"] = q["state"].ToString(),
            ["timestamp"] = state.Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        };
        var message = string.Join('&', back.Select(p => $"{p.Key}={p.Value}"));
        back["hmac"] = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(o.AppClientSecret ?? ""), Encoding.UTF8.GetBytes(message)));
        return Results.Redirect(redirect.GetLeftPart(UriPartial.Path) + QueryString.Create(back.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))));
    }

    private static async Task<IResult> AccessTokenAsync(StandInState state, HttpContext http)
    {
        if (state.Fault(StandInApi.ShopifyApp, http) is { } fault) return fault;
        var body = http.Request.HasFormContentType
            ? (await http.Request.ReadFormAsync()).ToDictionary(p => p.Key, p => (string?)p.Value.ToString())
            : (await JsonNode.ParseAsync(http.Request.Body))?.AsObject().ToDictionary(p => p.Key, p => p.Value?.GetValue<string>()) ?? [];
        var o = state.Options;
        if (body.GetValueOrDefault("client_id") != o.AppClientId || body.GetValueOrDefault("client_secret") != o.AppClientSecret)
            return Error("invalid_client", "The client id or client secret is wrong.");
        if (body.GetValueOrDefault("code") is not { } code || !state.App.Codes.TryRemove(code, out var scope))
            return Error("invalid_request", "The authorization code was not found or was already used.");
        var token = "shpat_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        state.App.Tokens.Enqueue(token);
        return StandInState.Json(new JsonObject { ["access_token"] = token, ["scope"] = scope });
    }

    private static async Task<IResult> RegisterAsync(StandInState state, HttpContext http)
    {
        var token = http.Request.Headers["X-Shopify-Access-Token"].ToString();
        if (!state.App.Tokens.Contains(token))
            return StandInState.Json(new JsonObject { ["errors"] = "[API] Invalid API key or access token (unrecognized login or wrong password)" }, 401);
        var webhook = (await JsonNode.ParseAsync(http.Request.Body))?["webhook"];
        var topic = webhook?["topic"]?.GetValue<string>() ?? "";
        var address = webhook?["address"]?.GetValue<string>() ?? "";
        if (topic.Length == 0 || !Uri.TryCreate(address, UriKind.Absolute, out _))
            return StandInState.Json(new JsonObject { ["errors"] = new JsonObject { ["webhook"] = "needs a topic and an absolute address" } }, 422);
        lock (state.App.Webhooks)
        {
            if (state.App.Webhooks.Any(w => w.Topic == topic && w.Address == address))
                return StandInState.Json(new JsonObject { ["errors"] = new JsonObject { ["address"] = new JsonArray("for this topic has already been taken") } }, 422);
            state.App.Webhooks.Add(new RegisteredWebhook(topic, address, token));
        }
        return StandInState.Json(new JsonObject
        {
            ["webhook"] = new JsonObject { ["id"] = state.App.Webhooks.Count, ["topic"] = topic, ["address"] = address, ["format"] = "json" },
        }, 201);
    }

    private static IResult Error(string error, string description) =>
        StandInState.Json(new JsonObject { ["error"] = error, ["error_description"] = description }, 400);
}

/// <summary>What the app stand-in remembers: codes not yet traded, tokens issued, webhooks registered (tests read them).</summary>
public sealed class StandInAppState
{
    internal ConcurrentDictionary<string, string> Codes { get; } = new();
    internal ConcurrentQueue<string> Tokens { get; } = new();
    internal List<RegisteredWebhook> Webhooks { get; } = [];

    public IReadOnlyList<RegisteredWebhook> RegisteredWebhooks
    {
        get { lock (Webhooks) return [.. Webhooks]; }
    }

    public IReadOnlyList<string> IssuedTokens => [.. Tokens];
}

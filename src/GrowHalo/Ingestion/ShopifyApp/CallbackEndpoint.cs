using GrowHalo.Ingestion.Connections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace GrowHalo.Ingestion.ShopifyApp;

/// <summary>
/// <c>GET /auth/shopify/callback?code=…&amp;shop=…&amp;state=…&amp;timestamp=…&amp;hmac=…</c>: where the shop sends the
/// browser back. In this order: Shopify's query signature, the shop's name, the one-time state (spent now, whatever
/// follows) and its shop, the code for an access token, the webhook subscriptions — and only when all of that
/// worked, the tenant's connection (token sealed, enabled, polling) in one transaction, and its first sync.
/// Anything refused stores nothing and says so on an HTML page; the code, the token and the app secret are never logged.
/// </summary>
public static class CallbackEndpoint
{
    private const string StartAgain = "Start the install again from GrowHalo (Connections → Install the Shopify app, or /auth/shopify/install?shop=…).";

    [WolverineGet("/auth/shopify/callback", OperationId = "ShopifyAppCallback"), AllowAnonymous, ExcludeFromDescription]
    public static async Task<IResult> Callback(HttpContext http, IOptions<ShopifyAppOptions> options, InstallStates states,
        ShopifyAdminClient shopify, ConnectionStore connections, FirstSync firstSync, ILogger<ShopifyAppOptions> logger, CancellationToken ct)
    {
        var o = options.Value;
        if (o.Missing() is { Count: > 0 } missing)
            return InstallPage.Error(http, StatusCodes.Status503ServiceUnavailable, "Shopify app not configured",
                $"This GrowHalo has no Shopify app configured (missing: {string.Join(", ", missing)}).", "Ask the operator to set them, then try again.");
        var q = http.Request.Query;
        if (!QueryHmac.Verify(o.ClientSecret!, q))
            return Refuse(http, logger, "bad hmac", StatusCodes.Status400BadRequest, "This link was not signed by Shopify",
                "The hmac of the callback does not match the app's signature, so GrowHalo cannot trust it. Nothing was connected.");
        var shop = ShopDomains.Validate(q["shop"]);
        if (shop is null)
            return Refuse(http, logger, "foreign shop", StatusCodes.Status400BadRequest, "Not a Shopify shop",
                $"The callback names '{q["shop"]}', which is not {ShopDomains.Rule}. Nothing was connected.");
        if (string.IsNullOrEmpty(q["state"]) || string.IsNullOrEmpty(q["code"]))
            return Refuse(http, logger, "no state or code", StatusCodes.Status400BadRequest, "Incomplete callback",
                "The callback carries no state or no code. Nothing was connected.");
        var spent = await states.SpendAsync(q["state"]!, ct);
        if (spent is null)
            return Refuse(http, logger, "unknown, used or expired state", StatusCodes.Status400BadRequest, "This install link is no longer valid",
                $"It was already used, expired (after {o.StateLifetime.TotalMinutes:0} minutes), or was not started from this GrowHalo. Nothing was connected.");
        if (spent.Shop != shop)
            return Refuse(http, logger, "state of another shop", StatusCodes.Status400BadRequest, "Wrong shop",
                $"The install was started for {spent.Shop} but Shopify came back for {shop}. Nothing was connected.");
        // Checked again by the unique index when the connection is written; asked here so no code is spent in vain.
        if (await connections.HolderAsync(Adapters.Sources.Shopify, shop, ct) is { } holder && holder != spent.TenantId)
            return Refuse(http, logger, "shop held by another tenant", StatusCodes.Status409Conflict, "Shop already connected elsewhere",
                $"The shop {shop} is connected to another GrowHalo workspace. Nothing was connected.",
                "Uninstall the app there (or disable that workspace's connection), then start the install again.");

        IngestConnection connection;
        try
        {
            var grant = await shopify.ExchangeCodeAsync(shop, q["code"]!, ct);
            await shopify.RegisterWebhooksAsync(shop, grant.AccessToken, ct);
            connection = await connections.InstallAppAsync(spent.TenantId, shop, ShopDomains.ApiBaseUrl(o), grant.AccessToken, o.PollingIntervalSeconds, ct);
            await firstSync.StartAsync(spent.TenantId, connection.Id, ct);
            logger.LogInformation("Installed the Shopify app on {Shop} for tenant {TenantId}: connection {ConnectionId}, scopes {Scopes}, {Topics} webhook topics",
                shop, spent.TenantId, connection.Id, grant.Scope, ShopifyAdminClient.WebhookTopics.Count);
        }
        catch (ShopifyInstallException e)
        {
            return Refuse(http, logger, e.Message, StatusCodes.Status502BadGateway, "Shopify did not complete the install",
                $"{e.Message} Nothing was connected.");
        }
        catch (ConnectionConflictException e)
        {
            return Refuse(http, logger, "shop held by another tenant", StatusCodes.Status409Conflict, "Shop already connected elsewhere", e.Message,
                "Uninstall the app there (or disable that workspace's connection), then start the install again.");
        }
        return TypedResults.Redirect($"/dashboard?installed=shopify&shop={Uri.EscapeDataString(shop)}&connection={connection.Id}");
    }

    private static IResult Refuse(HttpContext http, ILogger logger, string reason, int status, string title, string detail, string whatToDo = StartAgain)
    {
        logger.LogWarning("Refused a Shopify install callback ({Status}): {Reason}", status, reason);
        return InstallPage.Error(http, status, title, detail, whatToDo);
    }
}

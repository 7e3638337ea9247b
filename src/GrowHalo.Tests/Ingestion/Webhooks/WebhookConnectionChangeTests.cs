using System.Net;
using GrowHalo.Tests.Infrastructure;
using static GrowHalo.Tests.Ingestion.IngestionApp;

namespace GrowHalo.Tests.Ingestion.Webhooks;

/// <summary>
/// Connection lookups are cached for a few seconds per process; a change made through this process applies to the
/// very next webhook, even right after a webhook of the same account filled the cache.
/// </summary>
[Collection(IngestionCollection.Name)]
public sealed class WebhookConnectionChangeTests(IngestionApp app)
{
    private async Task<(TenantClient Tenant, string Shop, string ConnectionId)> UsedShopAsync(string secret)
    {
        var tenant = await app.CreateTenantAsync();
        var shop = Unique.Shop();
        var connection = await app.ConnectAsync(tenant, "shopify", shop, secret);
        await app.SendAsync(ShopifyWebhook(shop, "orders/create", Samples.Order(1).ToJsonString(), secret, Guid.NewGuid().ToString()), HttpStatusCode.Created);
        return (tenant, shop, connection);
    }

    [Fact]
    public async Task a_connection_disabled_right_after_a_webhook_refuses_the_next_one()
    {
        var (tenant, shop, connection) = await UsedShopAsync("secret-disable");
        await PatchConnectionAsync(tenant, connection, "{\"enabled\": false}");

        await ProblemOf(await app.SendAsync(ShopifyWebhook(shop, "orders/create", Samples.Order(2).ToJsonString(), "secret-disable"), HttpStatusCode.Unauthorized));
        Assert.Equal(1, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task a_new_webhook_secret_applies_to_the_next_webhook()
    {
        var (tenant, shop, connection) = await UsedShopAsync("old-secret");
        await PatchConnectionAsync(tenant, connection, "{\"webhook_secret\": \"new-secret\"}");

        await ProblemOf(await app.SendAsync(ShopifyWebhook(shop, "orders/create", Samples.Order(2).ToJsonString(), "old-secret"), HttpStatusCode.Unauthorized));
        await app.SendAsync(ShopifyWebhook(shop, "orders/create", Samples.Order(3).ToJsonString(), "new-secret"), HttpStatusCode.Created);
        Assert.Equal(2, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task an_account_refused_as_unknown_is_taken_as_soon_as_its_connection_is_created()
    {
        var tenant = await app.CreateTenantAsync();
        var shop = Unique.Shop();
        await ProblemOf(await app.SendAsync(ShopifyWebhook(shop, "orders/create", Samples.Order(1).ToJsonString(), "s3cret"), HttpStatusCode.Unauthorized));
        await app.ConnectAsync(tenant, "shopify", shop, "s3cret");

        await app.SendAsync(ShopifyWebhook(shop, "orders/create", Samples.Order(1).ToJsonString(), "s3cret"), HttpStatusCode.Created);
        Assert.Equal(1, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task a_shop_moved_to_another_tenant_sends_its_next_webhook_there()
    {
        var (first, shop, connection) = await UsedShopAsync("moving");
        await PatchConnectionAsync(first, connection, "{\"enabled\": false}");
        var second = await app.CreateTenantAsync();
        await app.ConnectAsync(second, "shopify", shop, "moving");

        await app.SendAsync(ShopifyWebhook(shop, "orders/create", Samples.Order(5).ToJsonString(), "moving"), HttpStatusCode.Created);
        Assert.Equal(1, await app.EventsAsync(second.Id, "shopify:order:5"));
        Assert.Equal(0, await app.EventsAsync(first.Id, "shopify:order:5"));
    }
}

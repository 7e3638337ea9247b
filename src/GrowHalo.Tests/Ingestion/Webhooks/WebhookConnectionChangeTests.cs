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
        var first = await app.SendAsync(ShopifyWebhook(shop, "orders/create", Samples.Order(1).ToJsonString(), secret, Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        return (tenant, shop, connection);
    }

    [Fact]
    public async Task a_connection_disabled_right_after_a_webhook_refuses_the_next_one()
    {
        var (tenant, shop, connection) = await UsedShopAsync("secret-disable");
        var patched = await tenant.Http.PatchAsync($"/api/v1/ingest/connections/{connection}", Json("{\"enabled\": false}"));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        await ProblemOf(await app.SendAsync(ShopifyWebhook(shop, "orders/create", Samples.Order(2).ToJsonString(), "secret-disable")), 401);
        Assert.Equal(1, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task a_new_webhook_secret_applies_to_the_next_webhook()
    {
        var (tenant, shop, connection) = await UsedShopAsync("old-secret");
        var patched = await tenant.Http.PatchAsync($"/api/v1/ingest/connections/{connection}", Json("{\"webhook_secret\": \"new-secret\"}"));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        await ProblemOf(await app.SendAsync(ShopifyWebhook(shop, "orders/create", Samples.Order(2).ToJsonString(), "old-secret")), 401);
        Assert.Equal(HttpStatusCode.Created, (await app.SendAsync(ShopifyWebhook(shop, "orders/create", Samples.Order(3).ToJsonString(), "new-secret"))).StatusCode);
        Assert.Equal(2, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task an_account_refused_as_unknown_is_taken_as_soon_as_its_connection_is_created()
    {
        var tenant = await app.CreateTenantAsync();
        var shop = Unique.Shop();
        await ProblemOf(await app.SendAsync(ShopifyWebhook(shop, "orders/create", Samples.Order(1).ToJsonString(), "s3cret")), 401);
        await app.ConnectAsync(tenant, "shopify", shop, "s3cret");

        Assert.Equal(HttpStatusCode.Created, (await app.SendAsync(ShopifyWebhook(shop, "orders/create", Samples.Order(1).ToJsonString(), "s3cret"))).StatusCode);
        Assert.Equal(1, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task a_shop_moved_to_another_tenant_sends_its_next_webhook_there()
    {
        var (first, shop, connection) = await UsedShopAsync("moving");
        await first.Http.PatchAsync($"/api/v1/ingest/connections/{connection}", Json("{\"enabled\": false}"));
        var second = await app.CreateTenantAsync();
        await app.ConnectAsync(second, "shopify", shop, "moving");

        Assert.Equal(HttpStatusCode.Created, (await app.SendAsync(ShopifyWebhook(shop, "orders/create", Samples.Order(5).ToJsonString(), "moving"))).StatusCode);
        Assert.Equal(1, await app.EventsAsync(second.Id, "shopify:order:5"));
        Assert.Equal(0, await app.EventsAsync(first.Id, "shopify:order:5"));
    }
}

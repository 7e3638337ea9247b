using System.Net;
using GrowHalo.Tests.Infrastructure;
using static GrowHalo.Tests.Ingestion.IngestionApp;

namespace GrowHalo.Tests.Ingestion.Webhooks;

[Collection(IngestionCollection.Name)]
public sealed class WebhookBadInputTests(IngestionApp app)
{
    private const string Secret = "shpss_bad_input";

    private async Task<(TenantClient Tenant, string Shop)> ShopAsync()
    {
        var tenant = await app.CreateTenantAsync();
        var shop = Unique.Shop();
        await app.ConnectAsync(tenant, "shopify", shop, Secret);
        return (tenant, shop);
    }

    [Fact]
    public async Task signed_malformed_json_is_a_400_and_stores_nothing()
    {
        var (tenant, shop) = await ShopAsync();
        var problem = await ProblemOf(await app.SendAsync(ShopifyWebhook(shop, "orders/create", "{\"id\": 1, ", Secret), HttpStatusCode.BadRequest));
        Assert.Contains("not valid JSON", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task a_string_postgresql_cannot_store_is_a_400_naming_the_field_and_stores_nothing()
    {
        var (tenant, shop) = await ShopAsync();
        var order = Samples.Order(8);
        order["line_items"]![0]!["title"] = "a \0 inside"; // JSON allows \u0000; PostgreSQL text does not
        var problem = await ProblemOf(await app.SendAsync(ShopifyWebhook(shop, "orders/create", order.ToJsonString(), Secret), HttpStatusCode.BadRequest));
        Assert.Contains("cannot be stored, so nothing was", problem.GetProperty("detail").GetString());
        Assert.Contains("\\u0000 (a NUL character)", ErrorFor(problem, "line_items[0].title"));
        Assert.Equal(0, await app.EventsAsync(tenant.Id));
        Assert.Equal(1, await app.CountAsync("select count(*) from ingest_rejections where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task a_body_that_is_not_json_is_a_415()
    {
        var (tenant, shop) = await ShopAsync();
        var request = ShopifyWebhook(shop, "orders/create", "id=1", Secret) with { ContentType = "text/plain; charset=utf-8" };
        await ProblemOf(await app.SendAsync(request, HttpStatusCode.UnsupportedMediaType));
        Assert.Equal(0, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task an_unknown_source_is_a_404_naming_the_webhook_addresses()
    {
        var problem = await ProblemOf(await app.SendAsync(new Webhook("/api/v1/ingest/webhook/tiktok", "{}"), HttpStatusCode.NotFound));
        Assert.Contains("shopify|meta|google", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task a_missing_or_unknown_topic_is_a_400_naming_the_topics_taken()
    {
        var (tenant, shop) = await ShopAsync();
        var unknown = await ProblemOf(await app.SendAsync(ShopifyWebhook(shop, "themes/publish", Samples.Order(1).ToJsonString(), Secret), HttpStatusCode.BadRequest));
        Assert.Contains("orders/create", ErrorFor(unknown, "X-Shopify-Topic"));
        Assert.Equal(0, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task a_mistyped_amount_or_date_or_a_missing_id_is_a_400_naming_each_field()
    {
        var (tenant, shop) = await ShopAsync();
        var order = Samples.Order(5, total: "abc", updatedAt: "03/01/2026");
        order.Remove("id");
        order.Remove("admin_graphql_api_id");
        var problem = await ProblemOf(await app.SendAsync(ShopifyWebhook(shop, "orders/create", order.ToJsonString(), Secret), HttpStatusCode.BadRequest));
        Assert.Contains("required", ErrorFor(problem, "id"));
        Assert.Contains("decimal amount", ErrorFor(problem, "total_price"));
        Assert.Contains("ISO 8601", ErrorFor(problem, "updated_at"));
        Assert.Equal(0, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task a_payload_for_another_shop_is_a_400_and_stores_nothing()
    {
        var (tenant, shop) = await ShopAsync();
        var body = Samples.Order(8, shopDomain: "someone-else.myshopify.com").ToJsonString();
        var problem = await ProblemOf(await app.SendAsync(ShopifyWebhook(shop, "orders/create", body, Secret), HttpStatusCode.BadRequest));
        Assert.Contains($"this webhook is for '{shop}'", ErrorFor(problem, "shop_domain"));
        Assert.Equal(0, await app.EventsAsync(tenant.Id));

        var same = Samples.Order(9, shopDomain: shop.ToUpperInvariant()).ToJsonString();
        await app.SendAsync(ShopifyWebhook(shop, "orders/create", same, Secret), HttpStatusCode.Created);
    }

    [Fact]
    public async Task a_body_over_16_megabytes_is_a_413()
    {
        var (tenant, shop) = await ShopAsync();
        var request = ShopifyWebhook(shop, "orders/create", "{}", Secret) with { Body = new string('\0', 16 * 1024 * 1024 + 1) }; // 16 MB + 1 zero bytes
        await ProblemOf(await app.SendAsync(request, HttpStatusCode.RequestEntityTooLarge));
        Assert.Equal(0, await app.EventsAsync(tenant.Id));
    }
}

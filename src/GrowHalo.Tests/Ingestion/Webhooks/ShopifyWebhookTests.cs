using System.Net;
using System.Text.Json.Nodes;
using Alba;
using GrowHalo.Tests.Infrastructure;
using static GrowHalo.Tests.Ingestion.IngestionApp;

namespace GrowHalo.Tests.Ingestion.Webhooks;

[Collection(IngestionCollection.Name)]
public sealed class ShopifyWebhookTests(IngestionApp app)
{
    private async Task<(TenantClient Tenant, string Shop, string ConnectionId)> ShopAsync(string secret = "shpss_test_secret")
    {
        var tenant = await app.CreateTenantAsync();
        var shop = Unique.Shop();
        return (tenant, shop, await app.ConnectAsync(tenant, "shopify", shop, secret));
    }

    public static TheoryData<string, string, string> Topics => new()
    {
        { "orders/create", "order", "shopify_order_received" }, { "orders/updated", "order", "shopify_order_received" },
        { "orders/paid", "order", "shopify_order_received" }, { "orders/cancelled", "order", "shopify_order_received" },
        { "refunds/create", "refund", "shopify_refund_received" }, { "customers/create", "customer", "shopify_customer_received" },
        { "customers/update", "customer", "shopify_customer_received" }, { "products/create", "product", "shopify_product_received" },
        { "products/update", "product", "shopify_product_received" }, { "checkouts/create", "checkout", "shopify_checkout_received" },
        { "checkouts/update", "checkout", "shopify_checkout_received" }, { "carts/create", "cart", "shopify_cart_received" },
        { "carts/update", "cart", "shopify_cart_received" },
    };

    [Theory]
    [MemberData(nameof(Topics))]
    public async Task each_topic_is_stored_as_its_resource_with_the_raw_body_and_the_connection(string topic, string resource, string type)
    {
        var (tenant, shop, connection) = await ShopAsync();
        JsonObject payload = resource switch
        {
            "order" => Samples.Order(77), "refund" => Samples.Refund(77, 5), "customer" => Samples.Customer(77),
            "product" => Samples.Product(77), "cart" => Carts.CartSamples.Cart("cart77"), _ => Samples.Checkout(77),
        };
        var response = await app.SendAsync(ShopifyWebhook(shop, topic, payload.ToJsonString(), "shpss_test_secret", Guid.NewGuid().ToString()), HttpStatusCode.Created);

        var receipt = await JsonOf(response);
        Assert.Equal("accepted", receipt.GetProperty("status").GetString());
        var stream = resource switch { "checkout" => "shopify:checkout:tok77", "cart" => "shopify:cart:cart77", _ => $"shopify:{resource}:77" };
        var stored = (await app.DataSource.ReadStreamAsync(tenant.Id, stream)).Single();
        Assert.Equal(type, stored.Type);
        Assert.Equal(topic, stored.Data.GetProperty("topic").GetString());
        Assert.Equal("webhook", stored.Data.GetProperty("channel").GetString());
        Assert.Equal(connection, stored.Data.GetProperty("connection_id").GetString());
        Assert.True(JsonNode.DeepEquals(payload, JsonNode.Parse(stored.Data.GetProperty("payload").GetRawText())));
    }

    [Fact]
    public async Task the_same_webhook_delivered_twenty_times_at_once_is_stored_once()
    {
        var (tenant, shop, _) = await ShopAsync();
        var body = Samples.Order(9001).ToJsonString();
        var webhookId = Guid.NewGuid().ToString();
        var webhook = ShopifyWebhook(shop, "orders/create", body, "shpss_test_secret", webhookId);
        // Twenty scenarios in flight at once, each expecting a success (Alba's default): one stores, the others are duplicates.
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => app.Host.Scenario(s => s.Send(webhook)))));

        var statuses = responses.Select(r => (HttpStatusCode)r.Context.Response.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(19, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(1, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task concurrent_webhooks_of_two_tenants_shops_each_land_in_their_own_tenant()
    {
        var (a, shopA, _) = await ShopAsync("secret-a");
        var (b, shopB, _) = await ShopAsync("secret-b");
        // Thirty scenarios in flight at once, each expecting 201.
        await Task.WhenAll(Enumerable.Range(1, 30).Select(i => Task.Run(() => i % 2 == 0
            ? app.SendAsync(ShopifyWebhook(shopA, "orders/create", Samples.Order(1000 + i).ToJsonString(), "secret-a", Guid.NewGuid().ToString()), HttpStatusCode.Created)
            : app.SendAsync(ShopifyWebhook(shopB, "orders/create", Samples.Order(2000 + i).ToJsonString(), "secret-b", Guid.NewGuid().ToString()), HttpStatusCode.Created))));

        Assert.Equal(15, await app.CountAsync("select count(*) from mt_events where tenant_id = $1 and stream_id like 'shopify:order:10%'", a.Id));
        Assert.Equal(15, await app.CountAsync("select count(*) from mt_events where tenant_id = $1 and stream_id like 'shopify:order:20%'", b.Id));
        Assert.Equal(30, await app.EventsAsync(a.Id) + await app.EventsAsync(b.Id));
    }

    [Fact]
    public async Task a_redelivery_without_a_webhook_id_is_a_duplicate_of_the_same_topic_id_and_updated_at()
    {
        var (tenant, shop, _) = await ShopAsync();
        var body = Samples.Order(12).ToJsonString();
        await app.SendAsync(ShopifyWebhook(shop, "orders/updated", body, "shpss_test_secret"), HttpStatusCode.Created);
        var again = await app.SendAsync(ShopifyWebhook(shop, "orders/updated", body, "shpss_test_secret"), HttpStatusCode.OK);

        Assert.Equal("duplicate", (await JsonOf(again)).GetProperty("status").GetString());
        Assert.Equal(1, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task order_updates_cancellations_and_refunds_arrive_as_new_events()
    {
        var (tenant, shop, _) = await ShopAsync();
        string[] bodies =
        [
            Samples.Order(300).ToJsonString(),
            Samples.Order(300, updatedAt: "2026-03-02T10:00:00Z", financialStatus: "partially_refunded", refunds: [Samples.Refund(31, 300)]).ToJsonString(),
            Samples.Refund(31, 300).ToJsonString(),
            Samples.Order(300, updatedAt: "2026-03-04T10:00:00Z", financialStatus: "refunded").ToJsonString(),
        ];
        string[] topics = ["orders/create", "orders/updated", "refunds/create", "orders/cancelled"];
        for (var i = 0; i < bodies.Length; i++)
            await app.SendAsync(ShopifyWebhook(shop, topics[i], bodies[i], "shpss_test_secret", Guid.NewGuid().ToString()), HttpStatusCode.Created);

        Assert.Equal(3, await app.EventsAsync(tenant.Id, "shopify:order:300"));
        Assert.Equal(1, await app.EventsAsync(tenant.Id, "shopify:refund:31"));
    }

    [Fact]
    public async Task a_bad_a_missing_or_another_connections_signature_is_a_401_and_stores_nothing()
    {
        var (tenant, shop, _) = await ShopAsync("secret-of-a");
        var (other, otherShop, _) = await ShopAsync("secret-of-b");
        var body = Samples.Order(1).ToJsonString();

        var tampered = ShopifyWebhook(shop, "orders/create", body, "secret-of-a") with { Body = body.Replace("129.90", "1.00") };
        var missing = ShopifyWebhook(shop, "orders/create", body, secret: null);
        var wrongSecret = ShopifyWebhook(shop, "orders/create", body, "secret-of-b");
        var garbage = ShopifyWebhook(shop, "orders/create", body, secret: null).WithHeader("X-Shopify-Hmac-Sha256", "not base64 at all!");
        var unknownShop = ShopifyWebhook("nobody.myshopify.com", "orders/create", body, "secret-of-a");

        Assert.NotEqual(body, tampered.Body);
        foreach (var webhook in new[] { tampered, wrongSecret, garbage, unknownShop })
            await ProblemOf(await app.SendAsync(webhook, HttpStatusCode.Unauthorized));
        var problem = await ProblemOf(await app.SendAsync(missing, HttpStatusCode.Unauthorized));
        Assert.Contains("X-Shopify-Hmac-Sha256", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await app.EventsAsync(tenant.Id) + await app.EventsAsync(other.Id));
        Assert.Equal(0, await app.CountAsync("select count(*) from ingest_rejections where tenant_id = any($1)", (object)new[] { tenant.Id, other.Id }));
        Assert.NotEqual(shop, otherShop);
    }

    [Fact]
    public async Task a_webhook_signed_for_one_tenants_shop_lands_in_that_tenant_only()
    {
        var (a, shopA, _) = await ShopAsync("secret-a");
        var (b, _, _) = await ShopAsync("secret-b");
        await app.SendAsync(ShopifyWebhook(shopA, "orders/create", Samples.Order(55).ToJsonString(), "secret-a"), HttpStatusCode.Created);

        Assert.Equal(1, await app.EventsAsync(a.Id, "shopify:order:55"));
        Assert.Equal(0, await app.EventsAsync(b.Id));
    }

    [Fact]
    public async Task a_disabled_connection_no_longer_accepts_webhooks()
    {
        var (tenant, shop, connection) = await ShopAsync();
        await PatchConnectionAsync(tenant, connection, "{\"enabled\": false}");
        await ProblemOf(await app.SendAsync(ShopifyWebhook(shop, "orders/create", Samples.Order(1).ToJsonString(), "shpss_test_secret"), HttpStatusCode.Unauthorized));
        Assert.Equal(0, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task a_custom_sender_may_present_an_ingest_api_key_instead_of_a_signature()
    {
        var tenant = await app.CreateTenantAsync(scopes: "ingest");
        var request = ShopifyWebhook(Unique.Shop(), "orders/create", Samples.Order(61).ToJsonString(), secret: null).WithHeader("x-api-key", tenant.ApiKey);
        await app.SendAsync(request, HttpStatusCode.Created);
        Assert.Equal(1, await app.EventsAsync(tenant.Id, "shopify:order:61"));

        var reader = await app.CreateTenantAsync(scopes: "read");
        var readOnly = ShopifyWebhook(Unique.Shop(), "orders/create", Samples.Order(62).ToJsonString(), secret: null).WithHeader("x-api-key", reader.ApiKey);
        await ProblemOf(await app.SendAsync(readOnly, HttpStatusCode.Forbidden));
        var unknownKey = ShopifyWebhook(Unique.Shop(), "orders/create", Samples.Order(63).ToJsonString(), secret: null).WithHeader("x-api-key", "ghk_not_a_key");
        await ProblemOf(await app.SendAsync(unknownKey, HttpStatusCode.Unauthorized));
        Assert.Equal(0, await app.EventsAsync(reader.Id));
    }
}

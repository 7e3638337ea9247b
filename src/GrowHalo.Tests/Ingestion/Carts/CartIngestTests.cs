using System.Net;
using System.Text.Json.Nodes;
using GrowHalo.Tests.Infrastructure;
using static GrowHalo.Tests.Ingestion.IngestionApp;

namespace GrowHalo.Tests.Ingestion.Carts;

/// <summary>Carts arrive by the carts/create and carts/update webhooks and as batch eventType cart; the carts table holds each one's latest version.</summary>
[Collection(IngestionCollection.Name)]
public sealed class CartIngestTests(IngestionApp app)
{
    private const string Secret = "shpss_carts";

    private async Task<(TenantClient Tenant, string Shop)> ShopAsync()
    {
        var tenant = await app.CreateTenantAsync();
        var shop = Unique.Shop();
        await app.ConnectAsync(tenant, "shopify", shop, Secret);
        return (tenant, shop);
    }

    private static string Token() => $"cart{Guid.NewGuid():N}"[..20];

    private async Task<(long Lines, long Quantity, decimal Total, string? Currency)> CartRowAsync(string tenantId, string token)
    {
        await app.WaitForProjectionsAsync();
        await using var cmd = app.DataSource.CreateCommand("select line_items, quantity, total_price, currency from carts where tenant_id = $1 and cart_token = $2");
        cmd.Parameters.Add(new() { Value = tenantId });
        cmd.Parameters.Add(new() { Value = token });
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), $"no cart {token}");
        return (r.GetInt32(0), r.GetInt64(1), r.GetDecimal(2), r.IsDBNull(3) ? null : r.GetString(3));
    }

    [Fact]
    public async Task a_created_then_updated_cart_is_two_events_and_one_cart_at_its_latest_version()
    {
        var (tenant, shop) = await ShopAsync();
        var token = Token();
        var created = CartSamples.Cart(token);                                            // 2 × 19.99 + 1 × 5.00
        var updated = CartSamples.Cart(token, updatedAt: "2026-03-01T10:30:00Z",
            lines: [CartSamples.Line(4411, 2, "19.99"), CartSamples.Line(4422, 1, "5.00"), CartSamples.Line(4433, 4, "2.50")]);
        await app.SendAsync(ShopifyWebhook(shop, "carts/create", created.ToJsonString(), Secret, Guid.NewGuid().ToString()), HttpStatusCode.Created);
        await app.SendAsync(ShopifyWebhook(shop, "carts/update", updated.ToJsonString(), Secret, Guid.NewGuid().ToString()), HttpStatusCode.Created);

        var stored = await app.DataSource.ReadStreamAsync(tenant.Id, $"shopify:cart:{token}");
        Assert.Equal(["shopify_cart_received", "shopify_cart_received"], stored.Select(e => e.Type));
        Assert.Equal(["carts/create", "carts/update"], stored.Select(e => e.Data.GetProperty("topic").GetString()));
        Assert.Equal((3, 7, 54.98m, "USD"), await CartRowAsync(tenant.Id, token));
    }

    [Fact]
    public async Task a_cart_in_a_batch_is_stored_and_an_older_version_arriving_later_changes_nothing()
    {
        var tenant = await app.CreateTenantAsync();
        var token = Token();
        var newer = CartSamples.Cart(token, updatedAt: "2026-03-02T09:00:00Z", lines: [CartSamples.Line(4411, 1, "19.99", "EUR")]);
        newer["customer"] = new JsonObject { ["id"] = 4242, ["email"] = "ana@example.com" };
        await PostBatchAsync(tenant, new { source = "shopify", events = new[] { new { eventType = "cart", payload = (JsonNode)newer } } });
        var older = await JsonOf(await PostBatchAsync(tenant, new { source = "shopify", events = new[] { new { eventType = "cart", payload = (JsonNode)CartSamples.Cart(token) } } }));
        Assert.Equal(1, older.GetProperty("accepted").GetInt32());

        Assert.Equal("shopify_cart_received", (await app.DataSource.ReadStreamAsync(tenant.Id, $"shopify:cart:{token}")).First().Type);
        Assert.Equal((1, 1, 19.99m, "EUR"), await CartRowAsync(tenant.Id, token));
        Assert.Equal(1, await app.CountAsync("select count(*) from carts where tenant_id = $1 and customer_key = 'id:4242'", tenant.Id));
    }

    [Fact]
    public async Task an_invalid_cart_webhook_is_a_400_naming_each_field_and_stores_nothing()
    {
        var (tenant, shop) = await ShopAsync();
        var cart = CartSamples.Cart(Token(), createdAt: "01/03/2026", lines: [CartSamples.Line(4411, -2, "19.99"), CartSamples.Line(4422, 1, "5.00")]);
        cart.Remove("id");
        cart.Remove("token");
        var unpriced = cart["line_items"]![1]!.AsObject();
        unpriced.Remove("line_price");
        unpriced.Remove("line_price_set");
        unpriced["price"] = "five";

        var problem = await ProblemOf(await app.SendAsync(ShopifyWebhook(shop, "carts/create", cart.ToJsonString(), Secret), HttpStatusCode.BadRequest));

        Assert.Contains("required", ErrorFor(problem, "token"));
        Assert.Contains("ISO 8601", ErrorFor(problem, "created_at"));
        Assert.Contains("must not be negative", ErrorFor(problem, "line_items[0].quantity"));
        Assert.Contains("decimal amount", ErrorFor(problem, "line_items[1].price"));
        Assert.Equal(0, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task invalid_carts_in_a_batch_are_rejected_by_index_and_a_batch_of_only_bad_carts_is_a_422()
    {
        var tenant = await app.CreateTenantAsync();
        var noToken = CartSamples.Cart(Token());
        noToken.Remove("id");
        noToken.Remove("token");
        var badCurrency = CartSamples.Cart(Token());
        badCurrency["currency"] = "dollars";

        var mixed = await JsonOf(await PostBatchAsync(tenant, new
        {
            source = "shopify",
            events = new[] { new { eventType = "cart", payload = (JsonNode)CartSamples.Cart(Token()) },
                new { eventType = "cart", payload = (JsonNode)noToken }, new { eventType = "cart", payload = (JsonNode)badCurrency } },
        }));
        Assert.Equal((1, 2), (mixed.GetProperty("accepted").GetInt32(), mixed.GetProperty("rejected").GetInt32()));
        Assert.Equal([(1, "payload.token"), (2, "payload.currency")], mixed.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("field").GetString())).ToList());

        var onlyBad = await ProblemOf(await PostBatchAsync(tenant, new { source = "shopify", events = new[] { new { eventType = "cart", payload = (JsonNode)noToken } } },
            HttpStatusCode.UnprocessableEntity));
        Assert.Contains("required", onlyBad.GetProperty("errors")[0].GetProperty("reason").GetString());
        Assert.Equal(1, await app.EventsAsync(tenant.Id));
    }
}

using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using GrowHalo.Ingestion;
using GrowHalo.Platform.Events;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Ingestion;
using GrowHalo.Tests.Ingestion.Carts;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Customers.Checkouts;

/// <summary>
/// GET /api/v1/analytics/checkouts: checkouts started in the window, which were completed within the tenant's cutoff,
/// are still open, were abandoned, and were recovered by a later order (checkout token, else cart token, else the same
/// customer within the recovery window); their value, the recovering orders' net revenue, and the funnel.
/// MetricsApp's clock says it is 2026-03-18 12:00 UTC.
/// </summary>
public sealed class CheckoutsTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private const string Url = "/api/v1/analytics/checkouts?start=2026-03-01&end=2026-03-18";

    private static DateTimeOffset Utc(int month, int day, int hour = 10, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    private static NewEvent Checkout(string tenant, string token, DateTimeOffset created, decimal total, long? customerId = null,
        string? email = null, string? cartToken = null, DateTimeOffset? completedAt = null)
    {
        var updated = completedAt ?? created;
        var json = new JsonObject
        {
            ["token"] = token, ["cart_token"] = cartToken,
            ["email"] = email ?? (customerId is null ? null : $"c{customerId}@example.com"),
            ["created_at"] = Time(created), ["updated_at"] = Time(updated), ["completed_at"] = completedAt is null ? null : Time(completedAt.Value),
            ["total_price"] = Money(total), ["currency"] = "USD", ["abandoned_checkout_url"] = $"https://shop.example/recover/{token}",
        };
        if (customerId is not null) json["customer"] = new JsonObject { ["id"] = customerId, ["email"] = $"c{customerId}@example.com" };
        return Event(tenant, $"shopify:checkout:{token}", $"checkout:{token}:{Time(updated)}", SourceEventTypes.ShopifyCheckout,
            JsonSerializer.SerializeToElement(json));
    }

    /// <summary>An order (<see cref="OrderSpec"/>) that names the checkout and cart it came from.</summary>
    private static NewEvent Placed(string tenant, OrderSpec spec, string? checkoutToken = null, string? cartToken = null)
    {
        var json = JsonNode.Parse(OrderPayload(spec).GetRawText())!.AsObject();
        json["checkout_token"] = checkoutToken;
        json["cart_token"] = cartToken;
        return Event(tenant, $"shopify:order:{spec.Id}", $"orders:{spec.Id}:{Time(spec.Updated)}", SourceEventTypes.ShopifyOrder,
            JsonSerializer.SerializeToElement(json));
    }

    /// <summary>
    /// One checkout of each kind, under the default settings (60 minutes, 7 days): recovered by checkout token, by cart
    /// token, by the same customer; never recovered; completed within the cutoff; recovered too late; still open; and one
    /// started before the window.
    /// </summary>
    private async Task SeedAsync(TenantClient shop)
    {
        var id = shop.Id;
        await app.AppendAsync(id,
            Checkout(id, "ck-token", Utc(3, 2), 50m, customerId: 1, cartToken: "cart-a"),
            Placed(id, new OrderSpec(101, Utc(3, 3), 50m, CustomerId: 1), checkoutToken: "ck-token", cartToken: "cart-a"),
            Checkout(id, "ck-cart", Utc(3, 4), 30m, email: "guest@example.com", cartToken: "cart-b"),
            Placed(id, new OrderSpec(102, Utc(3, 4, 15), 30m, Email: "someone-else@example.com"), cartToken: "cart-b"),
            Checkout(id, "ck-customer", Utc(3, 5), 20m, customerId: 3),
            Placed(id, new OrderSpec(103, Utc(3, 8, 9), 20m, CustomerId: 3, Refunds: [new RefundSpec(1031, Utc(3, 9), 5m)])),
            Checkout(id, "ck-never", Utc(3, 6), 40m, customerId: 4),
            Placed(id, new OrderSpec(107, Utc(3, 7), 40m, CustomerId: 4, Test: true), checkoutToken: "ck-never"), // a test order: recovers nothing
            Checkout(id, "ck-quick", Utc(3, 7), 70m, customerId: 5, completedAt: Utc(3, 7, 10, 20)),
            Placed(id, new OrderSpec(105, Utc(3, 7, 10, 20), 70m, CustomerId: 5), checkoutToken: "ck-quick"),
            Checkout(id, "ck-late", Utc(3, 9), 25m, customerId: 6),
            Placed(id, new OrderSpec(106, Utc(3, 17, 11), 25m, CustomerId: 6)),               // 8 days after abandonment
            Checkout(id, "ck-open", MetricsApp.Now.AddMinutes(-10), 15m, customerId: 7),
            Checkout(id, "ck-before", Utc(2, 20), 99m, customerId: 8));
    }

    private static List<string> Ids(JsonElement json) =>
        json.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("checkout_id").GetString()!).ToList();

    private static JsonElement Row(JsonElement json, string id) =>
        json.GetProperty("data").EnumerateArray().Single(r => r.GetProperty("checkout_id").GetString() == id);

    [Fact]
    public async Task abandoned_checkouts_are_recovered_by_checkout_token_cart_token_or_customer_within_the_window()
    {
        var shop = await app.CreateTenantAsync();
        await SeedAsync(shop);

        var json = await shop.GetAsync(Url);

        Assert.Equal((7, 1, 1, 5, 3), (json.GetProperty("started").GetInt64(), json.GetProperty("completed").GetInt64(),
            json.GetProperty("open").GetInt64(), json.GetProperty("abandoned").GetInt64(), json.GetProperty("recovered").GetInt64()));
        Assert.Equal(0.6m, json.GetProperty("recovery_rate").GetDecimal());
        Assert.Equal(165.00m, json.GetProperty("abandoned_value").GetDecimal());     // 50 + 30 + 20 + 40 + 25
        Assert.Equal(95.00m, json.GetProperty("recovered_revenue").GetDecimal());    // 50 + 30 + (20 − 5 refunded)
        Assert.Equal("USD", json.GetProperty("currency").GetString());
        Assert.Equal((60, 7), (json.GetProperty("abandoned_checkout_minutes").GetInt32(), json.GetProperty("recovery_window_days").GetInt32()));
        var funnel = json.GetProperty("funnel");
        Assert.Equal((0, 7, 5), (funnel.GetProperty("carts").GetInt64(), funnel.GetProperty("checkouts").GetInt64(), funnel.GetProperty("orders").GetInt64()));
        Assert.NotEqual(JsonValueKind.Null, json.GetProperty("as_of").ValueKind);

        Assert.Equal(["ck-late", "ck-never", "ck-customer", "ck-cart", "ck-token"], Ids(json)); // newest first; open and completed ones are not listed
        Assert.Equal(("101", "checkout_token"), Recovery(Row(json, "ck-token")));
        Assert.Equal(("102", "cart_token"), Recovery(Row(json, "ck-cart")));
        Assert.Equal(("103", "customer"), Recovery(Row(json, "ck-customer")));
        Assert.Equal((null, null), Recovery(Row(json, "ck-late")));

        var never = Row(json, "ck-never");
        Assert.False(never.GetProperty("recovered").GetBoolean());
        Assert.Equal(JsonValueKind.Null, never.GetProperty("recovering_order_id").ValueKind);
        Assert.Equal("https://shop.example/recover/ck-never", never.GetProperty("abandoned_checkout_url").GetString());
        Assert.Equal("id:4", never.GetProperty("customer_key").GetString());
        Assert.Equal("c4@example.com", never.GetProperty("email").GetString());
        Assert.Equal(40.00m, never.GetProperty("value").GetDecimal());
        Assert.Equal("USD", never.GetProperty("currency").GetString());
        Assert.Equal(Utc(3, 6), never.GetProperty("created_at").GetDateTimeOffset());
        Assert.Equal(Utc(3, 6, 11), never.GetProperty("abandoned_at").GetDateTimeOffset());
        Assert.Equal(12 * 24 + 2, never.GetProperty("age_hours").GetInt64());
        Assert.True(Row(json, "ck-token").GetProperty("recovered").GetBoolean());
    }

    private static (string?, string?) Recovery(JsonElement row) =>
        (row.GetProperty("recovering_order_id").GetString(), row.GetProperty("recovered_by").GetString());

    [Fact]
    public async Task the_tenants_cutoff_and_recovery_window_change_the_answer()
    {
        var shop = await app.CreateTenantAsync();
        await SeedAsync(shop);

        // Ten days: the order 8 days after ck-late's abandonment now recovers it.
        await Patch(shop, new { recovery_window_days = 10 });
        var wider = await shop.GetAsync(Url);
        Assert.Equal(4, wider.GetProperty("recovered").GetInt64());
        Assert.Equal(120.00m, wider.GetProperty("recovered_revenue").GetDecimal());
        Assert.Equal(("106", "customer"), Recovery(Row(wider, "ck-late")));
        Assert.Equal(10, wider.GetProperty("recovery_window_days").GetInt32());

        // Ten hours: ck-cart is abandoned at 20:00, after the order that named its cart (15:00), so nothing recovers it.
        await Patch(shop, new { abandoned_checkout_minutes = 600 });
        var later = await shop.GetAsync(Url);
        Assert.Equal((5, 3), (later.GetProperty("abandoned").GetInt64(), later.GetProperty("recovered").GetInt64()));
        Assert.Equal((null, null), Recovery(Row(later, "ck-cart")));

        // Five minutes: the checkout started ten minutes ago is abandoned now, and the one completed after 20 minutes
        // was abandoned first and then recovered by its own order.
        await Patch(shop, new { abandoned_checkout_minutes = 5 });
        var sooner = await shop.GetAsync(Url);
        Assert.Equal((0, 0, 7), (sooner.GetProperty("open").GetInt64(), sooner.GetProperty("completed").GetInt64(), sooner.GetProperty("abandoned").GetInt64()));
        Assert.Equal(("105", "checkout_token"), Recovery(Row(sooner, "ck-quick")));
        Assert.Equal("ck-open", Ids(sooner)[0]);
        Assert.Equal(0, Row(sooner, "ck-open").GetProperty("age_hours").GetInt64());
    }

    private static Task Patch(TenantClient shop, object body) => shop.Scenario(s => s.Patch.Json(body).ToUrl("/api/v1/tenant"));

    [Fact]
    public async Task carts_from_webhooks_and_batches_are_the_top_of_the_funnel()
    {
        var shop = await app.CreateTenantAsync();
        const string secret = "shpss_funnel";
        var domain = Unique.Shop();
        await shop.Scenario(s =>
        {
            s.Post.Json(new { source = "shopify", external_account_id = domain, webhook_secret = secret }).ToUrl("/api/v1/ingest/connections");
            s.StatusCodeShouldBe(HttpStatusCode.Created);
        });
        foreach (var (topic, cart) in new[] { ("carts/create", CartSamples.Cart("cart-w", "2026-03-10T09:00:00Z")),
                     ("carts/update", CartSamples.Cart("cart-w", "2026-03-10T09:00:00Z", "2026-03-10T09:30:00Z")) })
            await app.Host.Scenario(s =>
            {
                s.Send(IngestionApp.ShopifyWebhook(domain, topic, cart.ToJsonString(), secret, Guid.NewGuid().ToString()));
                s.StatusCodeShouldBe(HttpStatusCode.Created);
            });
        await IngestionApp.PostBatchAsync(shop, new
        {
            source = "shopify",
            events = new[]
            {
                new { eventType = "cart", payload = (JsonNode)CartSamples.Cart("cart-b1", "2026-03-11T09:00:00Z") },
                new { eventType = "cart", payload = (JsonNode)CartSamples.Cart("cart-old", "2026-02-11T09:00:00Z") }, // before the window
            },
        });
        await app.AppendAsync(shop.Id, Checkout(shop.Id, "ck-f", Utc(3, 11, 9, 5), 44.98m, cartToken: "cart-b1"),
            Placed(shop.Id, new OrderSpec(501, Utc(3, 12), 44.98m), cartToken: "cart-b1"));

        var funnel = (await shop.GetAsync(Url)).GetProperty("funnel");

        Assert.Equal((2, 1, 1), (funnel.GetProperty("carts").GetInt64(), funnel.GetProperty("checkouts").GetInt64(), funnel.GetProperty("orders").GetInt64()));
    }

    [Fact]
    public async Task tenants_never_see_or_recover_each_others_checkouts()
    {
        var a = await app.CreateTenantAsync();
        var b = await app.CreateTenantAsync();
        await SeedAsync(a);
        // Tenant b has a checkout with a's token, orders naming it and a's customer 4, and a cart.
        await app.AppendAsync(b.Id, Checkout(b.Id, "ck-never", Utc(3, 6), 10m, customerId: 4),
            Placed(b.Id, new OrderSpec(901, Utc(3, 6, 12), 10m), checkoutToken: "ck-never"),
            Placed(b.Id, new OrderSpec(902, Utc(3, 7), 10m, CustomerId: 4)));
        await IngestionApp.PostBatchAsync(b, new { source = "shopify", events = new[] { new { eventType = "cart", payload = (JsonNode)CartSamples.Cart("cart-b", "2026-03-05T09:00:00Z") } } });
        await app.WaitForCommerceAsync();

        var ofA = await a.GetAsync(Url);
        Assert.Equal((7, 5, 3), (ofA.GetProperty("started").GetInt64(), ofA.GetProperty("abandoned").GetInt64(), ofA.GetProperty("recovered").GetInt64()));
        Assert.False(Row(ofA, "ck-never").GetProperty("recovered").GetBoolean());
        Assert.Equal(0, ofA.GetProperty("funnel").GetProperty("carts").GetInt64());

        var ofB = await b.GetAsync(Url);
        Assert.Equal((1, 1, 1), (ofB.GetProperty("started").GetInt64(), ofB.GetProperty("abandoned").GetInt64(), ofB.GetProperty("recovered").GetInt64()));
        Assert.Equal(("901", "checkout_token"), Recovery(Row(ofB, "ck-never")));
        Assert.Equal(10.00m, ofB.GetProperty("abandoned_value").GetDecimal());
        Assert.Equal((1, 2), (ofB.GetProperty("funnel").GetProperty("carts").GetInt64(), ofB.GetProperty("funnel").GetProperty("orders").GetInt64()));
    }

    [Fact]
    public async Task days_are_the_tenants_own_the_default_is_the_last_30_days_and_limit_caps_the_list()
    {
        // 1 March 03:00 UTC is still 28 February in New York.
        var shop = await app.CreateTenantAsync("Eastern", "America/New_York");
        await app.AppendAsync(shop.Id,
            Checkout(shop.Id, "ck-feb", Utc(3, 1, 3), 10m, customerId: 1),
            Checkout(shop.Id, "ck-mar1", Utc(3, 1, 6), 11m, customerId: 2),
            Checkout(shop.Id, "ck-mar2", Utc(3, 2, 6), 12m, customerId: 3));

        var march = await shop.GetAsync("/api/v1/analytics/checkouts?start=2026-03-01&end=2026-03-10");
        Assert.Equal(2, march.GetProperty("abandoned").GetInt64());
        Assert.Equal(23.00m, march.GetProperty("abandoned_value").GetDecimal());

        var recent = await shop.GetAsync("/api/v1/analytics/checkouts?limit=1");
        Assert.Equal(("2026-02-17", "2026-03-18"), (recent.GetProperty("start").GetString(), recent.GetProperty("end").GetString()));
        Assert.Equal(3, recent.GetProperty("abandoned").GetInt64());
        Assert.Equal(["ck-mar2"], Ids(recent));
    }

    [Fact]
    public async Task no_abandoned_checkouts_means_a_null_recovery_rate()
    {
        var shop = await app.CreateTenantAsync();
        var json = await shop.GetAsync(Url);
        Assert.Equal(0, json.GetProperty("started").GetInt64());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("recovery_rate").ValueKind);
        Assert.Equal(0m, json.GetProperty("abandoned_value").GetDecimal());
        Assert.Empty(json.GetProperty("data").EnumerateArray());
    }

    [Theory]
    [InlineData("?start=2026-03-10&end=2026-03-01", "start")]
    [InlineData("?start=2026-03-01", "end")]
    [InlineData("?start=March&end=2026-03-01", "start")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=501", "limit")]
    public async Task an_unusable_parameter_is_a_400_naming_it(string query, string field)
    {
        var shop = await app.CreateTenantAsync();
        var problem = await shop.BadRequestAsync("/api/v1/analytics/checkouts" + query);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task it_needs_the_read_scope()
    {
        var ingestOnly = await app.CreateTenantAsync(scopes: ["ingest"]);
        await ingestOnly.Scenario(s =>
        {
            s.Get.Url("/api/v1/analytics/checkouts");
            s.StatusCodeShouldBe(HttpStatusCode.Forbidden);
        });
    }
}

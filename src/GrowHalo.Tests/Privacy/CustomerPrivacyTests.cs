using System.Net;
using System.Text.Json;
using GrowHalo.Platform.Events.Projections;
using GrowHalo.Tests.Ingestion;
using static GrowHalo.Tests.Privacy.PrivacySamples;

namespace GrowHalo.Tests.Privacy;

/// <summary>customers/data_request and customers/redact over a shop with a customer known by id, a guest known by e-mail, and a bystander.</summary>
[Collection(PrivacyCollection.Name)]
public sealed class CustomerPrivacyTests(PrivacyApp app)
{
    private sealed record Brand(Shop Shop, Person Ada, Person Guest, Person Bob, long[] AdaOrders, long GuestOrder, long BobOrder);

    /// <summary>Ada (customer record, two orders, a checkout, a cart), a guest who ordered once by e-mail, and Bob.</summary>
    private async Task<Brand> BrandAsync()
    {
        var shop = await app.ShopAsync();
        var ada = NewPerson("Ada", "Lovelace");
        var guest = NewPerson("Grace", "Hopper", guest: true);
        var bob = NewPerson("Bob", "Dylan");
        var day = DateTimeOffset.UtcNow.Date.AddDays(-3);
        long[] adaOrders = [Unique.Id(), Unique.Id()];
        var guestOrder = Unique.Id();
        var bobOrder = Unique.Id();
        await shop.SendAsync("customers/create", Customer(ada));
        await shop.SendAsync("customers/create", Customer(bob));
        await shop.SendAsync("orders/create", Order(adaOrders[0], ada, "120.00", day));
        await shop.SendAsync("orders/create", Order(adaOrders[1], ada, "30.50", day.AddDays(1)));
        await shop.SendAsync("orders/create", Order(guestOrder, guest, "45.00", day.AddDays(1)));
        await shop.SendAsync("orders/create", Order(bobOrder, bob, "99.99", day.AddDays(2)));
        await shop.SendAsync("refunds/create", new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = Unique.Id(), ["order_id"] = adaOrders[0], ["created_at"] = day.AddDays(2).ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["note"] = "damaged", ["transactions"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["kind"] = "refund", ["status"] = "success", ["amount"] = "20.00",
            }),
        });
        await shop.SendAsync("checkouts/create", Checkout($"chk{Unique.Id()}", ada, day));
        await shop.SendAsync("carts/create", Cart($"cart{Unique.Id()}", ada, day));
        await app.WaitForProjectionsAsync();
        return new Brand(shop, ada, guest, bob, adaOrders, guestOrder, bobOrder);
    }

    private static string[] Personal(Person p) => [p.Email, p.FirstName, p.LastName, p.Phone];

    private async Task<decimal> RevenueAsync(Shop shop) =>
        (await shop.Tenant.GetJsonAsync<JsonElement>("/api/v1/metrics/summary?period=last_30_days")).GetProperty("current").GetProperty("revenue").GetDecimal();

    [Fact]
    public async Task a_data_request_exports_everything_held_about_the_customer_as_a_download()
    {
        var brand = await BrandAsync();
        foreach (var (name, min) in new[] { ("Repeat buyers", 2), ("Loyal", 5) })
            await brand.Shop.Tenant.Scenario(s =>
            {
                s.Post.Json(new { name, rules = new { all = new[] { new { field = "orders_count", op = "gte", value = min } } } }).ToUrl("/api/v1/segments");
                s.StatusCodeShouldBe(HttpStatusCode.Created);
            });
        var id = await brand.Shop.RequestAsync("customers/data_request", AboutCustomer(brand.Ada, brand.AdaOrders));
        await app.CompletedAsync(id);

        var result = await brand.Shop.Tenant.Scenario(s => s.Get.Url($"/api/v1/privacy/requests/{id}/export"));
        Assert.Equal($"attachment; filename=\"privacy-request-{id}.json\"", result.Context.Response.Headers.ContentDisposition.ToString());
        Assert.StartsWith("application/json", result.Context.Response.ContentType);
        var text = await result.ReadAsTextAsync();
        var export = JsonDocument.Parse(text).RootElement;

        var customer = Assert.Single(export.GetProperty("customer").EnumerateArray());
        Assert.Equal(brand.Ada.Email, customer.GetProperty("email").GetString());
        Assert.Equal(brand.Ada.FirstName, customer.GetProperty("first_name").GetString());
        Assert.Equal(brand.AdaOrders.Select(o => o.ToString()).Order(),
            export.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("order_id").GetString()).Order());
        Assert.Single(export.GetProperty("refunds").EnumerateArray());
        Assert.Single(export.GetProperty("checkouts").EnumerateArray());
        Assert.Single(export.GetProperty("carts").EnumerateArray());
        // The raw records as received: the customer record, two orders, their refund, the checkout and the cart.
        Assert.Equal(["shopify_cart_received", "shopify_checkout_received", "shopify_customer_received", "shopify_order_received", "shopify_order_received", "shopify_refund_received"],
            export.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()!).Order());
        Assert.Equal(["Repeat buyers"], export.GetProperty("segments").EnumerateArray().Select(g => g.GetProperty("name").GetString()));
        Assert.Contains("12 Privet Drive", text);
        foreach (var other in Personal(brand.Bob).Append(brand.Guest.Email)) Assert.DoesNotContain(other, text);

        var view = await brand.Shop.Tenant.GetJsonAsync<JsonElement>($"/api/v1/privacy/requests/{id}");
        Assert.Equal("data_request", view.GetProperty("kind").GetString());
        Assert.Equal(brand.Ada.Email, view.GetProperty("email").GetString());
        Assert.Equal("9999", view.GetProperty("shopify_request_id").GetString());
        Assert.NotEqual(JsonValueKind.Null, view.GetProperty("completed_at").ValueKind);
    }

    [Fact]
    public async Task after_a_redact_and_a_rebuild_the_customers_personal_data_is_nowhere_and_revenue_is_unchanged()
    {
        var brand = await BrandAsync();
        var exportId = await brand.Shop.RequestAsync("customers/data_request", AboutCustomer(brand.Ada, brand.AdaOrders));
        await app.CompletedAsync(exportId);
        var revenue = await RevenueAsync(brand.Shop);
        Assert.Equal(120.00m + 30.50m + 45.00m + 99.99m - 20.00m, revenue);
        var before = (await brand.Shop.Tenant.GetJsonAsync<JsonElement>("/api/v1/metrics/summary?period=last_30_days")).GetProperty("current");
        var forgotten = Personal(brand.Ada).Concat(Personal(brand.Guest)).ToArray();
        Assert.NotEmpty(await DatabaseSearch.WhereAsync(app.DataSource, forgotten)); // the search finds them while they are there

        var ada = await brand.Shop.RequestAsync("customers/redact", AboutCustomer(brand.Ada, brand.AdaOrders));
        var guest = await brand.Shop.RequestAsync("customers/redact", AboutCustomer(brand.Guest with { Id = null }));
        await app.CompletedAsync(ada);
        await app.CompletedAsync(guest);

        Assert.Empty(await DatabaseSearch.WhereAsync(app.DataSource, forgotten));
        Assert.Equal(revenue, await RevenueAsync(brand.Shop));
        Assert.DoesNotContain(app.Logs.Lines, l => (l.Contains(ada.ToString()) || l.Contains(guest.ToString())) && l.Contains("written again"));

        await app.Service<ProjectionRebuilder>().RebuildAsync(null, brand.Shop.Id, null, CancellationToken.None);
        await app.WaitForProjectionsAsync();

        Assert.Empty(await DatabaseSearch.WhereAsync(app.DataSource, forgotten));
        var after = (await brand.Shop.Tenant.GetJsonAsync<JsonElement>("/api/v1/metrics/summary?period=last_30_days")).GetProperty("current");
        Assert.Equal(before.GetRawText(), after.GetRawText()); // revenue, orders and new customers alike
        Assert.Equal(3, await app.CountAsync("select count(*) from orders where tenant_id = $1 and order_id = any($2) and name = '#' || order_id",
            brand.Shop.Id, brand.AdaOrders.Append(brand.GuestOrder).Select(o => o.ToString()).ToArray()));
        // Bob is untouched: his record and his orders still carry his data.
        Assert.Contains("public.customers", await DatabaseSearch.WhereAsync(app.DataSource, brand.Bob.Email));
        Assert.Contains("public.mt_events", await DatabaseSearch.WhereAsync(app.DataSource, brand.Bob.LastName));
        var bob = await brand.Shop.Tenant.GetJsonAsync<JsonElement>($"/api/v1/customers/id%3A{brand.Bob.Id}");
        Assert.Contains(brand.Bob.Email, bob.GetRawText());
        // Ada is still a customer (by id) with her orders and amounts, and nothing personal.
        var redacted = (await brand.Shop.Tenant.GetJsonAsync<JsonElement>($"/api/v1/customers/id%3A{brand.Ada.Id}")).GetRawText();
        Assert.Contains("redacted.invalid", redacted);
        // The earlier export went with the rest, and the request says so.
        await brand.Shop.Tenant.Scenario(s =>
        {
            s.Get.Url($"/api/v1/privacy/requests/{exportId}/export");
            s.StatusCodeShouldBe(HttpStatusCode.Conflict);
        });
        // Nothing personal was ever logged, redacts included.
        var logs = string.Join("\n", app.Logs.Lines);
        Assert.Contains(ada.ToString(), logs);
        foreach (var value in forgotten) Assert.DoesNotContain(value, logs, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task data_that_a_late_projection_page_writes_back_after_a_redact_is_found_and_removed_by_a_rebuild()
    {
        var brand = await BrandAsync();
        var id = await brand.Shop.RequestAsync("customers/redact", AboutCustomer(brand.Guest with { Id = null }));
        await app.CompletedAsync(id);
        // The worker checks by itself once the projections have caught up; this test plays a late page after that check.
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!app.Logs.Lines.Any(l => l.Contains(id.ToString()) && (l.Contains("checked after the redaction") || l.Contains("written again"))))
        {
            if (DateTime.UtcNow > until)
            {
                var statuses = await app.Service<GrowHalo.Platform.Events.Projections.ProjectionStatusQuery>().GetAsync();
                Assert.Fail("the worker did not check after the redaction: " + System.Text.Json.JsonSerializer.Serialize(statuses) + "\n" +
                    string.Join("\n", app.Logs.Lines.Where(l => l.Contains("Privacy") || l.Contains("rror")).TakeLast(20)));
            }
            await Task.Delay(50);
        }
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(id.ToString()) && l.Contains("written again")); // the redaction itself left nothing
        var check = app.Service<GrowHalo.Privacy.RedactionCheck>();
        Assert.Empty(await check.FindAsync(brand.Shop.Id, [brand.Guest.Email, brand.Bob.Phone[..4] + "0000000"], CancellationToken.None));

        // What a daemon page read before the masking would write when it commits: the guest's order with the e-mail.
        await app.CountAsync("update orders set email = $3, customer_key = 'email:' || $3 where tenant_id = $1 and order_id = $2 returning 1",
            brand.Shop.Id, brand.GuestOrder.ToString(), brand.Guest.Email);
        Assert.Equal(["public.orders"], await check.FindAsync(brand.Shop.Id, [brand.Guest.Email], CancellationToken.None));

        Assert.Equal(["public.orders"], await check.RunAsync(id, brand.Shop.Id, [brand.Guest.Email], CancellationToken.None));

        Assert.Empty(await DatabaseSearch.WhereAsync(app.DataSource, Personal(brand.Guest)));
        Assert.Equal(1, await app.CountAsync("select count(*) from orders where tenant_id = $1 and order_id = $2 and email like 'redacted-%@redacted.invalid'",
            brand.Shop.Id, brand.GuestOrder.ToString()));
        Assert.Contains("public.orders", await DatabaseSearch.WhereAsync(app.DataSource, brand.Bob.Email));
    }
}

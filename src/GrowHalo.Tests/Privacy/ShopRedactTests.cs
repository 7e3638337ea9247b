using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Tests.Ingestion;
using static GrowHalo.Tests.Privacy.PrivacySamples;

namespace GrowHalo.Tests.Privacy;

/// <summary>shop/redact: every row of the tenant goes, in every table; the request's row stays as the record, holding nothing personal.</summary>
[Collection(PrivacyCollection.Name)]
public sealed class ShopRedactTests(PrivacyApp app)
{
    /// <summary>A shop with a bit of everything: customers, orders, a checkout, a cart, a segment, a batch, an export.</summary>
    private async Task<(Shop Shop, Person Customer)> BusyShopAsync()
    {
        var shop = await app.ShopAsync();
        var person = NewPerson("Ada", "Lovelace");
        var day = DateTimeOffset.UtcNow.Date.AddDays(-2);
        await shop.SendAsync("customers/create", Customer(person));
        await shop.SendAsync("orders/create", Order(Unique.Id(), person, "80.00", day));
        await shop.SendAsync("checkouts/create", Checkout($"chk{Unique.Id()}", person, day));
        await shop.SendAsync("carts/create", Cart($"cart{Unique.Id()}", person, day));
        await IngestionApp.PostBatchAsync(shop.Tenant, new
        {
            source = "meta", events = new[] { new { eventType = "ad_spend", payload = Samples.MetaRow($"c{Unique.Id()}") } },
        });
        await shop.Tenant.Scenario(s =>
        {
            s.Post.Json(new { name = "Big spenders", rules = new { all = new[] { new { field = "orders_count", op = "gte", value = 1 } } } }).ToUrl("/api/v1/segments");
            s.StatusCodeShouldBe(HttpStatusCode.Created);
        });
        await app.CompletedAsync(await shop.RequestAsync("customers/data_request", AboutCustomer(person)));
        await app.WaitForProjectionsAsync();
        return (shop, person);
    }

    [Fact]
    public async Task after_shop_redact_no_row_of_the_tenant_remains_and_other_tenants_keep_theirs()
    {
        var (gone, person) = await BusyShopAsync();
        var (kept, _) = await BusyShopAsync();
        var goneBefore = await DatabaseSearch.TenantRowsAsync(app.DataSource, gone.Id);
        var keptBefore = await DatabaseSearch.TenantRowsAsync(app.DataSource, kept.Id);
        foreach (var table in new[] { "public.mt_events", "public.mt_streams", "public.orders", "public.customers", "public.ingest_connections", "public.api_keys", "public.segments" })
            Assert.True(goneBefore[table] > 0, $"{table} held nothing of the tenant before");

        var id = await gone.RequestAsync("shop/redact", new JsonObject { ["shop_id"] = 954889 });
        var record = await app.CompletedAsync(id);

        var goneAfter = await DatabaseSearch.TenantRowsAsync(app.DataSource, gone.Id);
        Assert.Equal(goneBefore.Keys.Order(), goneAfter.Keys.Order());
        Assert.All(goneAfter.Where(t => t.Key != "public.privacy_requests"), t => Assert.True(t.Value == 0, $"{t.Key} still holds {t.Value} rows of the tenant"));
        Assert.Equal(0, await app.CountAsync("select count(*) from tenants where id = $1", gone.Id));
        // What is left of the tenant anywhere: the privacy requests (the export's and the shop/redact's), holding nothing personal.
        Assert.Equal(["public.privacy_requests"], await DatabaseSearch.WhereAsync(app.DataSource, gone.Id));
        Assert.Equal(2, goneAfter["public.privacy_requests"]);
        Assert.Empty(await DatabaseSearch.WhereAsync(app.DataSource, person.Email, person.LastName, person.Phone));
        Assert.Equal("shop_redact", record.GetProperty("kind").GetString());
        Assert.Equal(gone.Domain, record.GetProperty("shop_domain").GetString());
        Assert.NotEqual(JsonValueKind.Null, record.GetProperty("completed_at").ValueKind);

        Assert.Equal(keptBefore, await DatabaseSearch.TenantRowsAsync(app.DataSource, kept.Id));
        await app.Host.Scenario(s =>
        {
            s.WithRequestHeader("x-api-key", gone.Tenant.ApiKey);
            s.Get.Url("/api/v1/privacy/requests");
            s.StatusCodeShouldBe(HttpStatusCode.Unauthorized);
        });
        var keptRequests = await kept.Tenant.GetJsonAsync<JsonElement>("/api/v1/privacy/requests");
        Assert.Single(keptRequests.GetProperty("data").EnumerateArray());
    }
}

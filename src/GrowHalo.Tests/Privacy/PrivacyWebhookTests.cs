using System.Net;
using System.Text.Json.Nodes;
using GrowHalo.Platform.Events;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Ingestion;
using static GrowHalo.Tests.Ingestion.IngestionApp;
using static GrowHalo.Tests.Privacy.PrivacySamples;

namespace GrowHalo.Tests.Privacy;

/// <summary>The three privacy topics at the Shopify receiver: proven by the connection's secret, stored as events, recorded, acted on.</summary>
[Collection(PrivacyCollection.Name)]
public sealed class PrivacyWebhookTests(PrivacyApp app)
{
    [Theory]
    [InlineData("customers/data_request", "data_request")]
    [InlineData("customers/redact", "customer_redact")]
    [InlineData("shop/redact", "shop_redact")]
    public async Task each_privacy_topic_is_stored_as_an_event_and_recorded_as_a_request(string topic, string kind)
    {
        var shop = await app.ShopAsync();
        var person = NewPerson("Ada", "Lovelace");
        var body = topic == "shop/redact" ? new JsonObject { ["shop_id"] = 954889 } : AboutCustomer(person);

        var id = await shop.RequestAsync(topic, body);

        var stored = await app.CountAsync("select count(*) from mt_events where id = $1 and type = 'shopify_privacy_request_received' and stream_id = $2",
            id, $"shopify:privacy:{kind}");
        var row = await app.CompletedAsync(id);
        Assert.Equal(kind, row.GetProperty("kind").GetString());
        Assert.Equal(shop.Domain, row.GetProperty("shop_domain").GetString());
        if (kind != "shop_redact")
        {
            Assert.Equal(1, stored); // shop/redact deletes the tenant's events, its own included
            Assert.Equal(person.Id.ToString(), row.GetProperty("shopify_customer_id").GetString());
        }
    }

    [Fact]
    public async Task a_privacy_webhook_without_a_valid_signature_is_refused_and_stores_nothing()
    {
        var shop = await app.ShopAsync();
        var body = AboutCustomer(NewPerson("Ada", "Lovelace"));
        body["shop_domain"] = shop.Domain;
        var forged = ShopifyWebhook(shop.Domain, "customers/redact", body.ToJsonString(), "not-the-secret");
        await app.SendAsync(forged, HttpStatusCode.Unauthorized);
        await app.SendAsync(forged.WithoutHeader("X-Shopify-Hmac-Sha256"), HttpStatusCode.Unauthorized);

        Assert.Equal(0, await app.CountAsync("select count(*) from privacy_requests where tenant_id = $1", shop.Id));
        Assert.Equal(0, await app.EventsAsync(shop.Id));
    }

    [Fact]
    public async Task a_shop_that_uninstalled_the_app_still_sends_its_privacy_requests_but_nothing_else()
    {
        var shop = await app.ShopAsync();
        await PatchConnectionAsync(shop.Tenant, shop.ConnectionId, "{\"enabled\": false}");
        var person = NewPerson("Ada", "Lovelace");
        await app.SendAsync(ShopifyWebhook(shop.Domain, "customers/create", Customer(person).ToJsonString(), PrivacyApp.Secret), HttpStatusCode.Unauthorized);
        var body = AboutCustomer(person);
        body["shop_domain"] = shop.Domain;
        await app.SendAsync(ShopifyWebhook(shop.Domain, "customers/redact", body.ToJsonString(), "not-the-secret"), HttpStatusCode.Unauthorized);
        Assert.Equal(0, await app.CountAsync("select count(*) from privacy_requests where tenant_id = $1", shop.Id));

        var redact = await shop.RequestAsync("shop/redact", new JsonObject { ["shop_id"] = 954889 });

        Assert.Equal("shop_redact", (await app.CompletedAsync(redact)).GetProperty("kind").GetString());
        Assert.Equal(0, await app.CountAsync("select count(*) from ingest_connections where id = $1", shop.ConnectionId));
    }

    [Fact]
    public async Task a_redelivered_privacy_webhook_is_acknowledged_and_is_the_same_request()
    {
        var shop = await app.ShopAsync();
        var body = AboutCustomer(NewPerson("Ada", "Lovelace"));
        var webhookId = Guid.NewGuid().ToString();
        var first = await shop.RequestAsync("customers/data_request", body, HttpStatusCode.Created, webhookId);
        var again = await shop.SendAsync("customers/data_request", body, HttpStatusCode.OK, webhookId);

        Assert.Equal("duplicate", again.GetProperty("status").GetString());
        Assert.Equal(first, again.GetProperty("events")[0].GetProperty("id").GetGuid());
        Assert.Equal(1, await app.CountAsync("select count(*) from privacy_requests where tenant_id = $1", shop.Id));
    }

    [Fact]
    public async Task a_customer_request_that_names_no_customer_is_a_400_naming_the_field_and_stores_nothing()
    {
        var shop = await app.ShopAsync();
        var result = await app.SendAsync(ShopifyWebhook(shop.Domain, "customers/redact",
            new JsonObject { ["shop_domain"] = shop.Domain, ["customer"] = new JsonObject() }.ToJsonString(), PrivacyApp.Secret), HttpStatusCode.BadRequest);

        var problem = await ProblemOf(result);
        Assert.Contains("customer.id or customer.email", ErrorFor(problem, "customer"));
        Assert.Equal(0, await app.CountAsync("select count(*) from privacy_requests where tenant_id = $1", shop.Id));
        Assert.Equal(0, await app.EventsAsync(shop.Id));
    }

    [Fact]
    public async Task a_request_for_another_shop_than_the_signed_one_is_a_400()
    {
        var shop = await app.ShopAsync();
        var body = AboutCustomer(NewPerson("Ada", "Lovelace"));
        body["shop_domain"] = Unique.Shop();
        var result = await app.SendAsync(ShopifyWebhook(shop.Domain, "customers/redact", body.ToJsonString(), PrivacyApp.Secret), HttpStatusCode.BadRequest);

        Assert.Contains("this webhook is for", ErrorFor(await ProblemOf(result), "shop_domain"));
        Assert.Equal(0, await app.CountAsync("select count(*) from privacy_requests where tenant_id = $1", shop.Id));
    }

    [Fact]
    public async Task requests_are_listed_for_admins_only_and_never_across_tenants()
    {
        var shop = await app.ShopAsync();
        var other = await app.ShopAsync();
        var id = await shop.RequestAsync("customers/data_request", AboutCustomer(NewPerson("Ada", "Lovelace")));
        await app.CompletedAsync(id);

        var list = await shop.Tenant.GetJsonAsync<System.Text.Json.JsonElement>("/api/v1/privacy/requests");
        var only = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal(id, only.GetProperty("id").GetGuid());
        Assert.Equal("completed", only.GetProperty("state").GetString());
        Assert.Equal($"/api/v1/privacy/requests/{id}/export", only.GetProperty("export_url").GetString());
        Assert.Empty((await other.Tenant.GetJsonAsync<System.Text.Json.JsonElement>("/api/v1/privacy/requests")).GetProperty("data").EnumerateArray());

        await other.Tenant.Scenario(s => { s.Get.Url($"/api/v1/privacy/requests/{id}"); s.StatusCodeShouldBe(HttpStatusCode.NotFound); });
        await other.Tenant.Scenario(s => { s.Get.Url($"/api/v1/privacy/requests/{id}/export"); s.StatusCodeShouldBe(HttpStatusCode.NotFound); });
        await shop.Tenant.Scenario(s => { s.Get.Url("/api/v1/privacy/requests/not-an-id"); s.StatusCodeShouldBe(HttpStatusCode.NotFound); });

        var reader = await app.Service<GrowHalo.Platform.Tenancy.ApiKeyStore>().CreateAsync(shop.Id, ["read"], "reader");
        var forbidden = await app.Host.Scenario(s =>
        {
            s.WithRequestHeader("x-api-key", reader.RawKey);
            s.Get.Url("/api/v1/privacy/requests");
            s.StatusCodeShouldBe(HttpStatusCode.Forbidden);
        });
        Assert.Equal("application/problem+json", forbidden.Context.Response.ContentType);
    }

    [Fact]
    public async Task a_request_whose_work_fails_is_retried_until_it_is_done()
    {
        var shop = await app.ShopAsync();
        var webhookId = Guid.NewGuid().ToString();
        var id = EventId.For(shop.Id, "shopify", webhookId);
        await using (var setup = app.DataSource.CreateCommand("""
            create table if not exists privacy_test_failures (id uuid primary key);
            create or replace function privacy_test_fail() returns trigger language plpgsql as $$
            begin
                if exists (select 1 from privacy_test_failures f where f.id = new.id) then raise exception 'failing on purpose'; end if;
                return new;
            end $$;
            drop trigger if exists privacy_test_fail on privacy_requests;
            create trigger privacy_test_fail before update of export on privacy_requests for each row execute function privacy_test_fail();
            """))
            await setup.ExecuteNonQueryAsync();
        await app.CountAsync("insert into privacy_test_failures values ($1) returning 1", id);

        Assert.Equal(id, await shop.RequestAsync("customers/data_request", AboutCustomer(NewPerson("Ada", "Lovelace")), HttpStatusCode.Created, webhookId));
        var until = DateTime.UtcNow.AddSeconds(20);
        while (await app.CountAsync("select count(*) from privacy_requests where id = $1 and state = 'retrying' and attempts >= 2 and last_error like '%P0001%'", id) == 0)
        {
            Assert.True(DateTime.UtcNow < until, "the request was not retried");
            await Task.Delay(100);
        }
        await app.CountAsync("delete from privacy_test_failures where id = $1 returning 1", id);

        var done = await app.CompletedAsync(id);
        Assert.True(done.GetProperty("attempts").GetInt32() >= 3);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, done.GetProperty("last_error").ValueKind);
    }
}

using System.Net;
using System.Text;
using Alba;
using GrowHalo.Tests.Infrastructure;
using static GrowHalo.Tests.Ingestion.IngestionApp;

namespace GrowHalo.Tests.Ingestion.Connections;

[Collection(IngestionCollection.Name)]
public sealed class ConnectionTests(IngestionApp app)
{
    private static Task<IScenarioResult> Post(TenantClient t, string json, HttpStatusCode status) => t.Scenario(s =>
    {
        s.PostRawJson("/api/v1/ingest/connections", json);
        s.StatusCodeShouldBe(status);
    });

    private static async Task<string> ListAsync(TenantClient t) => await (await t.Scenario(s => s.Get.Url("/api/v1/ingest/connections"))).ReadAsTextAsync();

    [Fact]
    public async Task a_connection_is_created_with_normalised_account_and_its_secrets_are_never_returned()
    {
        var tenant = await app.CreateTenantAsync();
        var response = await Post(tenant, """
            {"source": "meta", "external_account_id": "act_123456789", "display_name": "Meta – Acme US",
             "api_base_url": "http://127.0.0.1:9999/", "polling_enabled": true, "polling_interval_seconds": 600,
             "webhook_secret": "meta-app-secret-xyz", "access_token": "EAAB-token-abc"}
            """, HttpStatusCode.Created);
        var text = await response.ReadAsTextAsync();
        var created = await JsonOf(response);
        Assert.Equal("123456789", created.GetProperty("external_account_id").GetString());
        Assert.Equal("http://127.0.0.1:9999", created.GetProperty("api_base_url").GetString());
        Assert.True(created.GetProperty("has_webhook_secret").GetBoolean());
        Assert.True(created.GetProperty("has_access_token").GetBoolean());
        Assert.Equal("active", created.GetProperty("status").GetString());
        Assert.Equal(600, created.GetProperty("polling_interval_seconds").GetInt32());

        var list = await ListAsync(tenant);
        foreach (var shown in new[] { text, list })
        {
            Assert.DoesNotContain("meta-app-secret-xyz", shown);
            Assert.DoesNotContain("EAAB-token-abc", shown);
            Assert.DoesNotContain("tenant_id", shown);
        }
        Assert.Contains("Meta – Acme US", list);
    }

    [Fact]
    public async Task secrets_are_sealed_at_rest_and_not_readable_in_the_table()
    {
        var tenant = await app.CreateTenantAsync();
        var id = await app.ConnectAsync(tenant, "shopify", Unique.Shop(), "shpss_plain_secret_123", "shpat_plain_token_456");
        await using var cmd = app.DataSource.CreateCommand(
            "select row_to_json(c)::text, webhook_secret, access_token from ingest_connections c where id = $1");
        cmd.Parameters.Add(new() { Value = id });
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        var row = r.GetString(0);
        var sealedSecret = (byte[])r[1];
        var sealedToken = (byte[])r[2];
        Assert.DoesNotContain("shpss_plain_secret_123", row);
        Assert.DoesNotContain("shpat_plain_token_456", row);
        Assert.DoesNotContain("shpss_plain_secret_123", Encoding.Latin1.GetString(sealedSecret));
        Assert.DoesNotContain("shpat_plain_token_456", Encoding.Latin1.GetString(sealedToken));
        Assert.True(sealedSecret.Length >= 29 + "shpss_plain_secret_123".Length);
    }

    [Fact]
    public async Task patch_updates_fields_rotates_or_clears_secrets_and_disables()
    {
        var tenant = await app.CreateTenantAsync();
        var shop = Unique.Shop();
        var id = await app.ConnectAsync(tenant, "shopify", shop, "old-secret");

        var renamed = await JsonOf(await PatchConnectionAsync(tenant, id, """{"display_name": "Main shop", "webhook_secret": "new-secret", "access_token": null}"""));
        Assert.Equal("Main shop", renamed.GetProperty("display_name").GetString());
        Assert.False(renamed.GetProperty("has_access_token").GetBoolean());
        var body = Samples.Order(1).ToJsonString();
        await ProblemOf(await app.SendAsync(ShopifyWebhook(shop, "orders/create", body, "old-secret"), HttpStatusCode.Unauthorized));
        await app.SendAsync(ShopifyWebhook(shop, "orders/create", body, "new-secret"), HttpStatusCode.Created);

        var disabled = await JsonOf(await PatchConnectionAsync(tenant, id, """{"enabled": false}"""));
        Assert.Equal("disabled", disabled.GetProperty("status").GetString());
        Assert.True(disabled.GetProperty("has_webhook_secret").GetBoolean());
    }

    [Fact]
    public async Task one_enabled_connection_per_platform_account_and_a_disabled_one_frees_it()
    {
        var a = await app.CreateTenantAsync();
        var b = await app.CreateTenantAsync();
        var shop = Unique.Shop();
        var first = await app.ConnectAsync(a, "shopify", shop, "s");
        await ProblemOf(await Post(b, $$"""{"source": "shopify", "external_account_id": "https://{{shop.ToUpperInvariant()}}/"}""", HttpStatusCode.Conflict));
        await PatchConnectionAsync(a, first, """{"enabled": false}""");
        await Post(b, $$"""{"source": "shopify", "external_account_id": "{{shop}}"}""", HttpStatusCode.Created);
        await ProblemOf(await PatchConnectionAsync(a, first, """{"enabled": true}""", HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task bad_connection_requests_name_each_field()
    {
        var tenant = await app.CreateTenantAsync();
        var problem = await ProblemOf(await Post(tenant, """
            {"source": "tiktok", "external_account_id": "x", "polling_interval_seconds": 0, "api_base_url": "ftp://x", "enable": true}
            """, HttpStatusCode.BadRequest));
        Assert.Contains("shopify, meta, google", ErrorFor(problem, "source"));
        Assert.Contains("between 1 and 86400", ErrorFor(problem, "polling_interval_seconds"));
        Assert.Contains("http(s) URL", ErrorFor(problem, "api_base_url"));
        Assert.Contains("not a connection field", ErrorFor(problem, "enable"));
        var badAccount = await ProblemOf(await Post(tenant, """{"source": "google", "external_account_id": "acme"}""", HttpStatusCode.BadRequest));
        Assert.Contains("123-456-7890", ErrorFor(badAccount, "external_account_id"));
        await ProblemOf(await tenant.Scenario(s =>
        {
            s.Post.Text("source=meta").ToUrl("/api/v1/ingest/connections");
            s.StatusCodeShouldBe(HttpStatusCode.UnsupportedMediaType);
        }));
        Assert.Equal(0, await app.CountAsync("select count(*) from ingest_connections where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task connections_need_admin_to_change_read_to_list_and_stay_within_their_tenant()
    {
        var a = await app.CreateTenantAsync();
        var b = await app.CreateTenantAsync();
        var id = await app.ConnectAsync(a, "google", Unique.Digits(), "s");
        var reader = a with { ApiKey = (await app.Service<GrowHalo.Platform.Tenancy.ApiKeyStore>().CreateAsync(a.Id, ["read"])).RawKey };

        await ProblemOf(await Post(reader, """{"source": "meta", "external_account_id": "1"}""", HttpStatusCode.Forbidden));
        await ProblemOf(await PatchConnectionAsync(reader, id, """{"enabled": false}""", HttpStatusCode.Forbidden));
        Assert.Contains(id, await ListAsync(reader));
        Assert.DoesNotContain(id, await ListAsync(b));
        await ProblemOf(await PatchConnectionAsync(b, id, """{"enabled": false}""", HttpStatusCode.NotFound));
        Assert.Equal("active", (await a.GetJsonAsync<System.Text.Json.JsonElement>("/api/v1/ingest/connections")).GetProperty("data")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task a_polling_cursor_is_visible_only_inside_its_connections_tenant()
    {
        var a = await app.CreateTenantAsync();
        var b = await app.CreateTenantAsync();
        var id = await app.ConnectAsync(a, "meta", Unique.Digits(), "s");

        async Task<(long Seen, int Changed)> AsTenant(string tenantId)
        {
            await using var db = await GrowHalo.Platform.Tenancy.TenantDb.BeginAsync(app.DataSource, tenantId);
            await using var count = db.Command("select count(*) from polling_cursors where connection_id = $1", id);
            var seen = (long)(await count.ExecuteScalarAsync())!;
            await using var update = db.Command("update polling_cursors set error_count = 7 where connection_id = $1", id);
            return (seen, await update.ExecuteNonQueryAsync());
        }

        Assert.Equal((0L, 0), await AsTenant(b.Id));
        Assert.Equal((1L, 1), await AsTenant(a.Id));
    }
}

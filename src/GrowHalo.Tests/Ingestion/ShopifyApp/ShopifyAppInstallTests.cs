using System.Text.Json;
using System.Net.Http.Json;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Simulator.StandIns;
using Microsoft.AspNetCore.WebUtilities;

namespace GrowHalo.Tests.Ingestion.ShopifyApp;

/// <summary>Installing the Shopify app against the stand-in shop: the happy path and each way a callback is refused.</summary>
public sealed class ShopifyAppInstallTests(ShopifyAppFixture app) : IClassFixture<ShopifyAppFixture>
{
    private static readonly string[] Topics =
    [
        "orders/create", "orders/updated", "orders/cancelled", "refunds/create", "customers/create", "customers/update",
        "products/create", "products/update", "checkouts/create", "checkouts/update", "app/uninstalled",
        "customers/data_request", "customers/redact", "shop/redact",
    ];

    [Fact]
    public async Task install_redirects_to_the_shops_authorize_page_with_client_id_scopes_redirect_uri_and_a_fresh_state()
    {
        var tenant = await app.TenantAsync();
        var first = await app.StartInstallAsync(tenant);
        var second = await app.StartInstallAsync(tenant);

        Assert.Equal($"{app.StandIns.BaseUrl}/admin/oauth/authorize", first.GetLeftPart(UriPartial.Path));
        var q = QueryHelpers.ParseQuery(first.Query);
        Assert.Equal(ShopifyAppFixture.ClientId, q["client_id"]);
        Assert.Equal("read_orders,read_customers,read_products", q["scope"]);
        Assert.Equal("https://growhalo.test/auth/shopify/callback", q["redirect_uri"]);
        Assert.Matches("^[0-9a-f]{64}$", q["state"].ToString());
        Assert.NotEqual(q["state"], QueryHelpers.ParseQuery(second.Query)["state"]);
        // Only the state's hash is kept.
        Assert.Equal(0, await app.CountAsync("select count(*) from shopify_oauth_states where encode(state_hash, 'hex') = $1", q["state"].ToString()));
        Assert.Equal(2, await app.CountAsync("select count(*) from shopify_oauth_states where tenant_id = $1 and shop = $2", tenant.Id, app.Shop));
    }

    [Fact]
    public async Task a_completed_install_connects_the_shop_with_a_sealed_token_registers_the_webhooks_and_starts_the_first_sync_run()
    {
        var tenant = await app.TenantAsync();
        var callback = await app.AuthorizeAsync(await app.StartInstallAsync(tenant));
        var result = await app.CallbackAsync(callback, HttpStatusCode.Redirect);

        var connection = (await app.Service<ConnectionStore>().ListAsync(tenant.Id)).Single();
        Assert.Equal($"/dashboard?installed=shopify&shop={app.Shop}&connection={connection.Id}", result.Context.Response.Headers.Location.ToString());
        Assert.Equal(("shopify", app.Shop, true, true, true, app.StandIns.BaseUrl), (connection.Source, connection.ExternalAccountId,
            connection.Enabled, connection.PollingEnabled, connection.HasAccessToken, connection.ApiBaseUrl));
        var token = app.StandIns.State.App.IssuedTokens[^1];
        Assert.Equal(token, await app.Service<ConnectionStore>().SecretAsync(connection.TenantId, connection.Id, Secret.AccessToken));
        Assert.Equal(0, await app.CountAsync("select count(*) from ingest_connections where position(convert_to($1, 'UTF8') in access_token) > 0", token));
        Assert.Equal(1, await app.CountAsync("select count(*) from ingest_connections where id = $1 and installed_by_app", connection.Id));

        var registered = app.StandIns.State.App.RegisteredWebhooks;
        Assert.Equal(Topics.Order(), registered.Select(w => w.Topic).Distinct().Order());
        Assert.All(registered, w => Assert.Equal("https://growhalo.test/api/v1/ingest/webhook/shopify", w.Address));
        Assert.Equal(1, await app.CountAsync("select count(*) from sync_runs where connection_id = $1 and kind = 'poll' and not full_sync", connection.Id));
    }

    [Fact]
    public async Task a_signed_in_owner_installs_for_their_workspace_and_a_read_only_sign_in_may_not()
    {
        // Cookies by hand: this fixture's clock stands in March, so a browser would take the session cookie as expired.
        using var owner = app.CreateClient(new(AllowAutoRedirect: false, HandleCookies: false));
        var signup = await owner.PostAsync("/api/auth/signup", JsonContent(new
        {
            email = $"owner-{Guid.NewGuid():N}@example.com", password = "a long and unusual passphrase", store_name = "Installed Co",
        }));
        Assert.Equal(HttpStatusCode.Created, signup.StatusCode);
        var tenantId = (await signup.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("current_tenant").GetProperty("id").GetString()!;
        owner.DefaultRequestHeaders.Add("Cookie", signup.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
        using var install = await owner.GetAsync($"/auth/shopify/install?shop={app.Shop}");
        Assert.Equal(HttpStatusCode.Redirect, install.StatusCode);
        await app.CallbackAsync(await app.AuthorizeAsync(install.Headers.Location!), HttpStatusCode.Redirect);
        Assert.Single(await app.Service<ConnectionStore>().ListAsync(tenantId), c => c.ExternalAccountId == app.Shop && c.Enabled);

        // The demo's key link signs in for reading only: it may look, not connect stores.
        var tenant = await app.TenantAsync();
        using var reader = app.CreateClient(new(AllowAutoRedirect: false));
        (await reader.PostAsync("/dashboard/sign-in", JsonContent(new { api_key = tenant.ApiKey }))).EnsureSuccessStatusCode();
        var before = await app.StoredAsync();
        using var refused = await reader.GetAsync($"/auth/shopify/install?shop={app.Shop}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("owners and admins", await refused.Content.ReadAsStringAsync());
        Assert.Equal(before, await app.StoredAsync());
    }

    [Fact]
    public async Task install_without_a_session_or_with_a_key_lacking_admin_says_what_to_do_and_stores_nothing()
    {
        var reader = await app.TenantAsync("read");
        var before = await app.StoredAsync();
        var anonymous = await app.Host.Scenario(s =>
        {
            s.Get.Url($"/auth/shopify/install?shop={app.Shop}");
            s.StatusCodeShouldBe(HttpStatusCode.Unauthorized);
        });
        Assert.Contains("Sign in to the dashboard", await anonymous.ReadAsTextAsync());
        Assert.StartsWith("text/html", anonymous.Context.Response.ContentType);
        var readOnly = await reader.Scenario(s =>
        {
            s.Get.Url($"/auth/shopify/install?shop={app.Shop}");
            s.StatusCodeShouldBe(HttpStatusCode.Forbidden);
        });
        Assert.Contains("needs the &#39;admin&#39; scope", await readOnly.ReadAsTextAsync());
        Assert.Equal(before, await app.StoredAsync());
    }

    [Theory]
    [InlineData("evil.example.com")]
    [InlineData("acme.myshopify.com.evil.com")]
    [InlineData("-acme.myshopify.com")]
    [InlineData("acme.myshopify.com/admin")]
    [InlineData("")]
    public async Task install_for_a_foreign_shop_domain_is_refused_with_a_page_and_no_redirect(string shop)
    {
        var tenant = await app.TenantAsync();
        var before = await app.StoredAsync();
        var result = await tenant.Scenario(s =>
        {
            s.Get.Url($"/auth/shopify/install?shop={Uri.EscapeDataString(shop)}");
            s.StatusCodeShouldBe(HttpStatusCode.BadRequest);
        });
        var page = await result.ReadAsTextAsync();
        Assert.Contains("Not a Shopify shop", page);
        Assert.Contains("your-store.myshopify.com", page);
        Assert.False(result.Context.Response.Headers.ContainsKey("Location"));
        Assert.Equal(before, await app.StoredAsync());
    }

    [Fact]
    public async Task a_callback_with_a_bad_hmac_is_refused_and_stores_nothing()
    {
        var tenant = await app.TenantAsync();
        var callback = await app.AuthorizeAsync(await app.StartInstallAsync(tenant));
        var before = await app.StoredAsync();
        var tampered = callback.Replace("shop=", "extra=1&shop=", StringComparison.Ordinal);
        var page = await (await app.CallbackAsync(tampered, HttpStatusCode.BadRequest)).ReadAsTextAsync();
        Assert.Contains("This link was not signed by Shopify", page);
        var unsigned = await (await app.CallbackAsync(Without(callback, "hmac"), HttpStatusCode.BadRequest)).ReadAsTextAsync();
        Assert.Contains("not signed by Shopify", unsigned);
        Assert.Equal(before, await app.StoredAsync());
        Assert.Empty(await app.Service<ConnectionStore>().ListAsync(tenant.Id));
    }

    [Fact]
    public async Task a_replayed_callback_is_refused_and_changes_nothing()
    {
        var tenant = await app.TenantAsync();
        var callback = await app.AuthorizeAsync(await app.StartInstallAsync(tenant));
        await app.CallbackAsync(callback, HttpStatusCode.Redirect);
        var token = await app.Service<ConnectionStore>().SecretAsync(tenant.Id, (await app.Service<ConnectionStore>().ListAsync(tenant.Id)).Single().Id, Secret.AccessToken);
        var before = await app.StoredAsync();

        var page = await (await app.CallbackAsync(callback, HttpStatusCode.BadRequest)).ReadAsTextAsync();
        Assert.Contains("This install link is no longer valid", page);
        Assert.Equal(before, await app.StoredAsync());
        Assert.Equal(token, await app.Service<ConnectionStore>().SecretAsync(tenant.Id, (await app.Service<ConnectionStore>().ListAsync(tenant.Id)).Single().Id, Secret.AccessToken));
    }

    [Fact]
    public async Task an_unknown_or_expired_state_is_refused()
    {
        var tenant = await app.TenantAsync();
        var before = await app.StoredAsync();
        var unknown = Signed(new() { ["code"] = "abc", ["shop"] = app.Shop, ["state"] = new string('a', 64), ["timestamp"] = "1773162000" });
        Assert.Contains("no longer valid", await (await app.CallbackAsync(unknown, HttpStatusCode.BadRequest)).ReadAsTextAsync());

        var callback = await app.AuthorizeAsync(await app.StartInstallAsync(tenant));
        app.Clock.Now += TimeSpan.FromMinutes(11);
        try
        {
            Assert.Contains("expired (after 10 minutes)", await (await app.CallbackAsync(callback, HttpStatusCode.BadRequest)).ReadAsTextAsync());
        }
        finally
        {
            app.Clock.Now -= TimeSpan.FromMinutes(11);
        }
        Assert.Empty(await app.Service<ConnectionStore>().ListAsync(tenant.Id));
        Assert.Equal(before, await app.StoredAsync());
    }

    [Fact]
    public async Task a_callback_for_another_shop_than_the_install_named_or_a_foreign_domain_is_refused()
    {
        var tenant = await app.TenantAsync();
        // Started for other-shop; the stand-in shop answers as itself.
        var callback = await app.AuthorizeAsync(await app.StartInstallAsync(tenant, "other-shop.myshopify.com"));
        Assert.Contains("started for other-shop.myshopify.com", await (await app.CallbackAsync(callback, HttpStatusCode.BadRequest)).ReadAsTextAsync());

        var foreign = Signed(new() { ["code"] = "abc", ["shop"] = "evil.example.com", ["state"] = new string('b', 64), ["timestamp"] = "1773162000" });
        Assert.Contains("Not a Shopify shop", await (await app.CallbackAsync(foreign, HttpStatusCode.BadRequest)).ReadAsTextAsync());
        Assert.Empty(await app.Service<ConnectionStore>().ListAsync(tenant.Id));
    }

    [Fact]
    public async Task a_failed_token_exchange_is_a_502_page_and_stores_nothing()
    {
        var tenant = await app.TenantAsync();
        var callback = await app.AuthorizeAsync(await app.StartInstallAsync(tenant));
        var before = await app.StoredAsync();
        app.StandIns.State.Faults.FailOnce(StandInApi.ShopifyApp, 500);

        var page = await (await app.CallbackAsync(callback, HttpStatusCode.BadGateway)).ReadAsTextAsync();
        Assert.Contains("Shopify answered 500 when GrowHalo tried to exchange the install&#39;s code for an access token", page);
        Assert.Empty(await app.Service<ConnectionStore>().ListAsync(tenant.Id));
        Assert.Equal(before, await app.StoredAsync());
    }

    [Fact]
    public async Task the_logs_of_an_install_carry_no_token_code_or_app_secret()
    {
        var tenant = await app.TenantAsync();
        var callback = await app.AuthorizeAsync(await app.StartInstallAsync(tenant));
        var code = QueryHelpers.ParseQuery(new Uri("https://x" + callback).Query)["code"].ToString();
        await app.CallbackAsync(callback, HttpStatusCode.Redirect);
        await app.CallbackAsync(callback, HttpStatusCode.BadRequest); // a refusal is logged too
        var token = app.StandIns.State.App.IssuedTokens[^1];

        var lines = app.Logs.Lines.ToList();
        Assert.Contains(lines, l => l.Contains("Installed the Shopify app on") && l.Contains(tenant.Id));
        Assert.Contains(lines, l => l.Contains("Refused a Shopify install callback"));
        foreach (var secret in new[] { token, code, ShopifyAppFixture.ClientSecret })
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
    }

    /// <summary>A callback query signed with the app's secret by Shopify's rule, independently of GrowHalo's code.</summary>
    private static string Signed(SortedDictionary<string, string> query)
    {
        var message = string.Join('&', query.Select(p => $"{p.Key}={p.Value}"));
        var hmac = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(ShopifyAppFixture.ClientSecret), Encoding.UTF8.GetBytes(message)));
        return "/auth/shopify/callback?" + string.Join('&', query.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")) + "&hmac=" + hmac;
    }

    private static string Without(string pathAndQuery, string name)
    {
        var uri = new Uri("https://x" + pathAndQuery);
        var kept = QueryHelpers.ParseQuery(uri.Query).Where(p => p.Key != name).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value.ToString())}");
        return uri.AbsolutePath + "?" + string.Join('&', kept);
    }

    private static StringContent JsonContent(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}

using GrowHalo.Tests.Ingestion.Sync;
using System.Net;
using GrowHalo.Ingestion.Connections;

namespace GrowHalo.Tests.Ingestion.ShopifyApp;

/// <summary>An installed shop's webhooks, proven by the app's secret; uninstalling and installing again.</summary>
public sealed class ShopifyAppLifecycleTests(ShopifyAppFixture app) : IClassFixture<ShopifyAppFixture>
{
    private const string Customer = """{"id":7001,"email":null,"created_at":"2026-03-01T10:00:00Z","updated_at":"2026-03-01T10:00:00Z","orders_count":0}""";

    [Fact]
    public async Task webhooks_of_an_installed_shop_are_proven_by_the_app_secret_and_refused_with_any_other()
    {
        var tenant = await app.TenantAsync();
        var connection = await app.InstallAsync(tenant);

        var receipt = await IngestionApp.JsonOf(await app.SendAsync(
            IngestionApp.ShopifyWebhook(app.Shop, "customers/create", Customer, ShopifyAppFixture.ClientSecret, "w-app-1")));
        Assert.Equal(connection.Id, receipt.GetProperty("connection_id").GetString());
        Assert.Equal(1, await app.EventsAsync(tenant.Id, "shopify:customer:7001"));

        var refused = await IngestionApp.ProblemOf(await app.SendAsync(
            IngestionApp.ShopifyWebhook(app.Shop, "customers/create", Customer, "not-the-app-secret", "w-app-2"), HttpStatusCode.Unauthorized));
        Assert.Contains("or the Shopify app's client secret", refused.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task app_uninstalled_disables_the_connection_and_stops_polling_and_reinstalling_resumes_it_with_a_new_token()
    {
        var tenant = await app.TenantAsync();
        var installed = await app.InstallAsync(tenant);
        var firstToken = await app.Service<ConnectionStore>().SecretAsync(installed.TenantId, installed.Id, Secret.AccessToken);

        var receipt = await IngestionApp.JsonOf(await app.SendAsync(IngestionApp.ShopifyWebhook(app.Shop, "app/uninstalled",
            $$"""{"id":1,"domain":"{{app.Shop}}","myshopify_domain":"{{app.Shop}}"}""", ShopifyAppFixture.ClientSecret, "w-uninstall"), HttpStatusCode.OK));
        Assert.Equal("uninstalled", receipt.GetProperty("status").GetString());

        var after = (await app.Service<ConnectionStore>().ListAsync(tenant.Id)).Single();
        Assert.Equal((installed.Id, false, false), (after.Id, after.Enabled, after.HasAccessToken));
        await app.CountAsync("update polling_cursors set next_attempt_at = $2 where connection_id = $1", installed.Id, app.Clock.Now.AddMinutes(-1));
        Assert.DoesNotContain(installed.Id, await app.DueAsync());
        // Its webhooks are no longer taken: no enabled connection holds the shop.
        await app.SendAsync(IngestionApp.ShopifyWebhook(app.Shop, "customers/create", Customer, ShopifyAppFixture.ClientSecret, "w-after"), HttpStatusCode.Unauthorized);

        var before = await RunsAsync(installed.Id);
        var again = await app.InstallAsync(tenant);
        Assert.Equal((installed.Id, true, true), (again.Id, again.Enabled, again.HasAccessToken));
        var secondToken = await app.Service<ConnectionStore>().SecretAsync(again.TenantId, again.Id, Secret.AccessToken);
        Assert.NotEqual(firstToken, secondToken);
        Assert.Equal(app.StandIns.State.App.IssuedTokens[^1], secondToken);
        // Polling resumes: the reinstall's sync run (or the first install's, if it was still queued) ends completed.
        var run = await tenant.WaitForEndAsync(await RunAfterAsync(again.Id, before));
        Assert.True(run.State() == "completed", $"the sync run after the reinstall ended {run}");
    }

    [Fact]
    public async Task a_shop_that_uninstalled_the_app_still_proves_its_shop_redact_with_the_apps_secret()
    {
        var tenant = await app.TenantAsync();
        var installed = await app.InstallAsync(tenant);
        await app.SendAsync(IngestionApp.ShopifyWebhook(app.Shop, "app/uninstalled",
            $$"""{"id":1,"domain":"{{app.Shop}}","myshopify_domain":"{{app.Shop}}"}""", ShopifyAppFixture.ClientSecret, "w-uninstall-2"), HttpStatusCode.OK);

        // 48 hours later: signed with anything but the app's secret it is refused; with it, it is a request of the tenant's.
        var redact = $$"""{"shop_id":1,"shop_domain":"{{app.Shop}}"}""";
        await app.SendAsync(IngestionApp.ShopifyWebhook(app.Shop, "shop/redact", redact, "not-the-secret", "w-redact-bad"), HttpStatusCode.Unauthorized);
        await app.SendAsync(IngestionApp.ShopifyWebhook(app.Shop, "shop/redact", redact, ShopifyAppFixture.ClientSecret, "w-redact"), HttpStatusCode.Created);
        Assert.Equal(1, await app.CountAsync("select count(*) from privacy_requests where tenant_id = $1 and kind = 'shop_redact'", tenant.Tenant.Id));
    }

    [Fact]
    public async Task a_shop_connected_to_another_tenant_is_not_taken_over_by_an_install()
    {
        var first = await app.TenantAsync();
        await app.InstallAsync(first);
        var second = await app.CreateTenantAsync("Second");
        var before = await app.StoredAsync();

        var tokens = app.StandIns.State.App.IssuedTokens.Count;

        var callback = await app.AuthorizeAsync(await app.StartInstallAsync(second));
        var page = await (await app.CallbackAsync(callback, HttpStatusCode.Conflict)).ReadAsTextAsync();
        Assert.Contains("is connected to another GrowHalo workspace", page);
        Assert.Equal(before, await app.StoredAsync());
        Assert.Equal(tokens, app.StandIns.State.App.IssuedTokens.Count); // refused before the code was spent
    }

    private async Task<List<(Guid Id, bool Active)>> RunsAsync(string connectionId)
    {
        await using var cmd = app.Service<Npgsql.NpgsqlDataSource>().CreateCommand(
            "select id, state in ('queued', 'running') from sync_runs where connection_id = $1");
        cmd.Parameters.Add(new() { Value = connectionId });
        var runs = new List<(Guid, bool)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) runs.Add((r.GetGuid(0), r.GetBoolean(1)));
        return runs;
    }

    /// <summary>The run a reinstall started: a new one, or the one still queued or running when it came.</summary>
    private async Task<Guid> RunAfterAsync(string connectionId, List<(Guid Id, bool Active)> before)
    {
        var after = await RunsAsync(connectionId);
        return after.Select(a => a.Id).Except(before.Select(b => b.Id)).Concat(before.Where(b => b.Active).Select(b => b.Id)).First();
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using GrowHalo.Simulator.StandIns;
using GrowHalo.Simulator.World;
using GrowHalo.Tests.Simulator;
using Xunit.Abstractions;

namespace GrowHalo.Tests.Platform.Reliability;

/// <summary>
/// A server polling the Shopify stand-in (a simulated shop of 20 days, 50 records a page), killed with SIGKILL twice
/// while a page request is in flight and restarted each time: the restarted server resumes the pass from the cursor
/// committed with the last stored page, at once (the dead server's claim dies with its database sessions, its lease
/// is not waited out), and in the end every record the stand-in serves is stored, once.
/// </summary>
public sealed class CrashMidPollTests(ITestOutputHelper output)
{
    [Fact]
    public async Task a_server_killed_mid_poll_resumes_from_its_cursor_on_restart_and_stores_every_record_once()
    {
        var now = DateTimeOffset.UtcNow;
        var world = new SimWorld(new WorldOptions(), DateOnly.FromDateTime(now.UtcDateTime).AddDays(-19));
        await using var standIns = await StandInServer.StartAsync(new StandInState(world, new ManualTime(now), new StandInOptions { BucketSize = 10_000 }));
        await using var db = await SharedDatabase.CreateAsync();
        await using var server = db.StartNode("S", new Dictionary<string, string>
        {
            ["Polling__Enabled"] = "true", ["Polling__Tick"] = "00:00:00.200", ["Polling__ShopifyPageSize"] = "50",
            ["Polling__BackfillDays"] = "30", ["Connections__AllowStandInHosts"] = "true",
        });
        using var http = new HttpClient();
        await server.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));
        var tenant = await db.CreateShopTenantAsync(http, server);
        var faults = standIns.State.Faults;

        // The first kill while products are paged, the second in the orders; the connection is made after the first hold is set.
        var kills = 0;
        foreach (var holdAfter in new[] { 3, 25 })
        {
            faults.HoldAfter(StandInApi.ShopifyRest, holdAfter - faults.Requests(StandInApi.ShopifyRest));
            if (kills == 0) await ConnectAsync(http, server, tenant, world, standIns.BaseUrl);
            await Waiting.UntilAsync(() => Task.FromResult(faults.Holding), TimeSpan.FromSeconds(60), () => server.Log);
            server.KillHard();
            kills++;
            faults.Release();
            var stored = await db.ScalarAsync("select count(*) from mt_events where tenant_id = $1 and type <> 'tombstone'", tenant.Id);
            var cursor = await db.ScalarAsync("""
                select count(*) from polling_cursors c join ingest_connections i on i.id = c.connection_id
                where i.tenant_id = $1 and c.cursor ? 'products'
                """, tenant.Id);
            output.WriteLine($"kill {kills}: while Shopify request {holdAfter + 1} was in flight; {stored} records stored, cursor kept: {cursor == 1}");
            var restarted = Stopwatch.StartNew();
            server.Restart();
            await server.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));
            var before = faults.Requests(StandInApi.ShopifyRest);
            await Waiting.UntilAsync(() => Task.FromResult(faults.Requests(StandInApi.ShopifyRest) > before), TimeSpan.FromSeconds(30), () => server.Log);
            output.WriteLine($"restarted: polling again {restarted.Elapsed.TotalSeconds:0.0} s after the restart ({server.StartedIn.TotalSeconds:0.0} s of it starting)");
        }

        await Waiting.UntilAsync(async () => await db.ScalarAsync(
            "select count(*) from polling_cursors c join ingest_connections i on i.id = c.connection_id where i.tenant_id = $1 and c.last_success_at is not null",
            tenant.Id) == 1, TimeSpan.FromSeconds(60), () => server.Log);
        var requests = faults.Requests(StandInApi.ShopifyRest);
        foreach (var (resource, prefix) in new[] { (ShopifyResource.Orders, "shopify:order:"), (ShopifyResource.Customers, "shopify:customer:"),
                     (ShopifyResource.Products, "shopify:product:"), (ShopifyResource.Checkouts, "shopify:checkout:") })
        {
            var served = world.Records(resource, now).Count;
            var stored = await db.ScalarAsync("select count(*) from mt_events where tenant_id = $1 and starts_with(stream_id, $2)", tenant.Id, prefix);
            Assert.Equal(served, stored);
            output.WriteLine($"{resource}: {served} served by the stand-in, {stored} stored");
        }
        var pages = world.Records(ShopifyResource.Orders, now).Count / 50 + world.Records(ShopifyResource.Customers, now).Count / 50 +
                    world.Records(ShopifyResource.Products, now).Count / 50 + world.Records(ShopifyResource.Checkouts, now).Count / 50 + 4;
        // Resumed, not started over (that would ask again the 3 + 25 pages before the kills): each kill costs the
        // request in flight, and the resumed pass reads the tail of the resource it had finished (products) again.
        Assert.InRange(requests, pages, pages + 2 * kills);
        output.WriteLine($"mid-poll kills: {kills}; Shopify requests {requests} for about {pages} pages; missing 0, stored twice 0");
    }

    private static async Task ConnectAsync(HttpClient http, ServerNode server, ShopTenant tenant, SimWorld world, string baseUrl)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.BaseUrl + "/api/v1/ingest/connections")
        {
            Content = JsonContent.Create(new
            {
                source = "shopify", external_account_id = world.Options.ShopDomain, display_name = "stand-in", api_base_url = baseUrl,
                polling_enabled = true, polling_interval_seconds = 3600, access_token = "token-shopify",
            }),
        };
        request.Headers.Add("x-api-key", tenant.ApiKey);
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }
}

using System.Net;
using System.Text.Json;
using GrowHalo.Simulator.StandIns;
using GrowHalo.Simulator.World;

namespace GrowHalo.Tests.Ingestion.Sync;

public sealed class SyncRunTests(SyncApp app) : IClassFixture<SyncApp>
{
    [Fact]
    public async Task sync_now_runs_in_the_background_and_ends_completed_with_every_record_fetched_stored_and_counted()
    {
        var (tenant, connection) = await app.ConnectAsync("shopify");

        var (id, body, response) = await tenant.StartSyncAsync(new { connection_id = connection.Id });

        Assert.Equal($"/api/v1/sync/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal([id], body.GetProperty("sync_run_ids").EnumerateArray().Select(e => e.GetGuid()));
        Assert.False(body.GetProperty("already_running").GetBoolean());
        var run = await tenant.WaitForEndAsync(id);
        Assert.Equal("completed", run.State());
        Assert.Equal(connection.Id, run.GetProperty("connection_id").GetString());
        Assert.Equal("poll", run.GetProperty("kind").GetString());
        Assert.Equal("done", run.GetProperty("step").GetString());
        Assert.Equal(app.AllShopifyRecords, run.Long("total")); // Shopify's count endpoints, summed
        Assert.Equal(app.AllShopifyRecords, run.Long("records_fetched"));
        Assert.Equal(app.AllShopifyRecords, run.Long("records_stored"));
        Assert.Equal(100m, run.GetProperty("percent").GetDecimal());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("error").ValueKind);
        Assert.Equal(SyncApp.Now, run.GetProperty("finished_at").GetDateTimeOffset());
        Assert.Equal(app.AllShopifyRecords, await app.EventsAsync(tenant.Id, "shopify:"));
    }

    [Fact]
    public async Task a_full_sync_reads_everything_again_and_stores_nothing_twice()
    {
        var (tenant, connection) = await app.ConnectAsync("shopify");
        var (first, _, _) = await tenant.StartSyncAsync(new { connection_id = connection.Id });
        Assert.Equal("completed", (await tenant.WaitForEndAsync(first)).State());

        var (full, _, _) = await tenant.StartSyncAsync(new { connection_id = connection.Id, full = true });
        var run = await tenant.WaitForEndAsync(full);

        Assert.Equal("completed", run.State());
        Assert.True(run.GetProperty("full").GetBoolean());
        Assert.Equal(app.AllShopifyRecords, run.Long("records_fetched")); // the cursor was forgotten: everything read again
        Assert.Equal(0, run.Long("records_stored"));                     // and recognised as already stored
        Assert.Equal(app.AllShopifyRecords, await app.EventsAsync(tenant.Id, "shopify:"));
    }

    [Fact]
    public async Task a_second_request_gets_the_running_run_and_a_cancel_stops_it_at_a_page_boundary_leaving_the_cursor_consistent()
    {
        var (tenant, connection) = await app.ConnectAsync("shopify");
        // The 4 count requests and the products' only page go through; the customers' first page waits until released.
        var products = app.Visible(ShopifyResource.Products);
        Assert.InRange(products, 1, SyncApp.PageSize - 1);
        app.Faults.HoldAfter(StandInApi.ShopifyRest, afterRequests: 5);
        var (id, _, _) = await tenant.StartSyncAsync(new { connection_id = connection.Id });
        var running = await tenant.WaitForAsync(id, r => r.Long("records_fetched") > 0, "progress");
        Assert.Equal("running", running.State());
        Assert.Equal("products page 1", running.GetProperty("step").GetString());
        Assert.Equal(products, running.Long("records_fetched"));
        Assert.Equal(Math.Round(100m * products / app.AllShopifyRecords, 1), running.GetProperty("percent").GetDecimal());

        var (again, body, _) = await tenant.StartSyncAsync(new { connection_id = connection.Id });
        Assert.Equal(id, again);
        Assert.True(body.GetProperty("already_running").GetBoolean());

        var cancel = await tenant.PostJsonAsync($"/api/v1/sync/{id}/cancel", new { });
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var cancelling = JsonDocument.Parse(await cancel.Content.ReadAsStringAsync()).RootElement;
        Assert.True(cancelling.GetProperty("cancel_requested").GetBoolean());
        app.Faults.Release();
        var cancelled = await tenant.WaitForEndAsync(id);

        Assert.Equal("cancelled", cancelled.State());
        Assert.Equal(products + SyncApp.PageSize, cancelled.Long("records_fetched")); // the page in flight committed, then it stopped
        Assert.Equal("cancelled after customers page 1", cancelled.GetProperty("step").GetString());
        Assert.Equal(cancelled.Long("records_stored"), await app.EventsAsync(tenant.Id, "shopify:"));
        var ended = await tenant.PostJsonAsync($"/api/v1/sync/{id}/cancel", new { });
        Assert.Equal(HttpStatusCode.Conflict, ended.StatusCode);

        // The next run resumes after the last committed page: nothing missing, nothing twice.
        var (next, _, _) = await tenant.StartSyncAsync(new { connection_id = connection.Id });
        Assert.NotEqual(id, next);
        var resumed = await tenant.WaitForEndAsync(next);
        Assert.Equal("completed", resumed.State());
        Assert.Equal(app.AllShopifyRecords, cancelled.Long("records_stored") + resumed.Long("records_stored"));
        Assert.Equal(app.AllShopifyRecords, await app.EventsAsync(tenant.Id, "shopify:"));
    }

    [Fact]
    public async Task an_ad_platform_run_counts_its_percent_in_days_of_the_date_range()
    {
        var (tenant, connection) = await app.ConnectAsync("meta");
        app.Faults.HoldAfter(StandInApi.Meta, afterRequests: 1);
        var (id, _, _) = await tenant.StartSyncAsync(new { connection_id = connection.Id });

        var running = await tenant.WaitForAsync(id, r => r.GetProperty("step").ValueKind == JsonValueKind.String, "progress");
        Assert.Equal(30, running.Long("total")); // Polling:BackfillDays
        Assert.Equal(23.3m, running.GetProperty("percent").GetDecimal()); // 7 of 30 days
        Assert.StartsWith("ad days ", running.GetProperty("step").GetString());
        app.Faults.Release();

        var run = await tenant.WaitForEndAsync(id);
        Assert.Equal("completed", run.State());
        Assert.Equal(100m, run.GetProperty("percent").GetDecimal());
        Assert.Equal(run.Long("records_stored"), await app.EventsAsync(tenant.Id, "meta:"));
        Assert.True(run.Long("records_stored") > 0);
    }

    [Fact]
    public async Task without_a_connection_every_enabled_connection_gets_a_run_of_its_own()
    {
        var (tenant, shopify) = await app.ConnectAsync("shopify");
        var (_, google) = await app.ConnectAsync("google", tenant);

        var (id, body, _) = await tenant.StartSyncAsync(new { });

        var ids = body.GetProperty("sync_run_ids").EnumerateArray().Select(e => e.GetGuid()).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Equal(ids[0], id);
        var runs = new List<JsonElement>();
        foreach (var run in ids) runs.Add(await tenant.WaitForEndAsync(run));
        Assert.All(runs, r => Assert.Equal("completed", r.State()));
        Assert.Equal(new[] { shopify.Id, google.Id }.Order(), runs.Select(r => r.GetProperty("connection_id").GetString()!).Order());
        var listed = await tenant.GetJsonAsync<JsonElement>("/api/v1/sync");
        Assert.Equal(ids.Order(), listed.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).Order());
        var active = await tenant.GetJsonAsync<JsonElement>("/api/v1/sync?active=true");
        Assert.Empty(active.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task another_tenants_run_is_not_found_and_cannot_be_watched_or_cancelled()
    {
        var (owner, connection) = await app.ConnectAsync("shopify");
        app.Faults.HoldAfter(StandInApi.ShopifyRest, afterRequests: 5);
        var (id, _, _) = await owner.StartSyncAsync(new { connection_id = connection.Id });
        var other = await app.CreateTenantAsync("Other");
        try
        {
            foreach (var (method, url) in new[] { ("GET", $"/api/v1/sync/{id}"), ("GET", $"/api/v1/sync/{id}/events"), ("POST", $"/api/v1/sync/{id}/cancel") })
            {
                var response = await other.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                Assert.Contains("There is no sync run", await response.Content.ReadAsStringAsync());
            }
            Assert.Empty((await other.GetJsonAsync<JsonElement>("/api/v1/sync?active=true")).GetProperty("data").EnumerateArray());
            var notMine = await other.PostJsonAsync("/api/v1/sync", new { connection_id = connection.Id });
            Assert.Equal(HttpStatusCode.NotFound, notMine.StatusCode);
            Assert.Equal("running", (await owner.RunAsync(id)).State());
        }
        finally
        {
            app.Faults.Release();
        }
        Assert.Equal("completed", (await owner.WaitForEndAsync(id)).State());
    }

    [Fact]
    public async Task bad_requests_say_what_to_change_and_a_read_key_cannot_start_a_run()
    {
        var (tenant, connection) = await app.ConnectAsync("shopify");
        var empty = await tenant.PostJsonAsync("/api/v1/sync", new { connection_id = " " });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("connection_id", await empty.Content.ReadAsStringAsync());

        await using (var cmd = app.DataSource.CreateCommand("update ingest_connections set enabled = false where id = $1"))
        {
            cmd.Parameters.Add(new() { Value = connection.Id });
            await cmd.ExecuteNonQueryAsync();
        }
        var disabled = await tenant.PostJsonAsync("/api/v1/sync", new { connection_id = connection.Id });
        Assert.Equal(HttpStatusCode.BadRequest, disabled.StatusCode);
        var problem = JsonDocument.Parse(await disabled.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("is disabled", problem.GetProperty("errors").GetProperty("connection_id")[0].GetString());
        var none = await tenant.PostJsonAsync("/api/v1/sync", new { });
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        var noBody = await tenant.Http.PostAsync("/api/v1/sync", null); // no body at all reads as {}: every connection, none enabled
        Assert.Equal(HttpStatusCode.BadRequest, noBody.StatusCode);
        Assert.Contains("no enabled connection", await noBody.Content.ReadAsStringAsync());

        var reader = await app.CreateTenantAsync("Reader", scopes: [GrowHalo.Platform.Tenancy.Scopes.Read]);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostJsonAsync("/api/v1/sync", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.GetAsync("/api/v1/sync/not-a-run")).StatusCode);
    }
}

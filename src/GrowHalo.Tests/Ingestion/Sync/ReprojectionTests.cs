using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GrowHalo.Ingestion.Sync;
using GrowHalo.Platform.Events;
using GrowHalo.Tests.Dashboard.Live;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Ingestion.Sync;

/// <summary>PATCH /api/v1/tenant with a new time zone or currency re-projects the tenant's history as a sync run.</summary>
public sealed class ReprojectionTests(GrowHaloApp app) : IClassFixture<GrowHaloApp>
{
    private static async Task<JsonElement> PatchTenantAsync(TenantClient tenant, object body)
    {
        var response = await tenant.Http.PatchAsync("/api/v1/tenant", JsonContent.Create(body, options: Json.Options));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<(long Mar9, long Mar10)> OrdersByDayAsync(TenantClient tenant)
    {
        var series = await tenant.GetJsonAsync<JsonElement>("/api/v1/metrics?start=2026-03-09&end=2026-03-10&metrics=orders_count");
        var days = series.GetProperty("data").EnumerateArray().ToDictionary(d => d.GetProperty("date").GetString()!, d => d.GetProperty("orders_count").GetInt64());
        return (days["2026-03-09"], days["2026-03-10"]);
    }

    [Fact]
    public async Task changing_the_time_zone_replays_the_history_in_a_run_and_the_daily_numbers_move_to_the_new_days()
    {
        var tenant = await app.CreateTenantAsync("Zoned", "UTC");
        // 02:00 UTC on 10 March is still 9 March in New York.
        await app.Service<EventAppender>().AppendAsync(tenant.Id, [SampleEvents.ShopifyOrder(tenant.Id, 9101, new DateTimeOffset(2026, 3, 10, 2, 0, 0, TimeSpan.Zero), 40m, "c-1")]);
        await app.WaitForProjectionsAsync();
        Assert.Equal((0, 1), await OrdersByDayAsync(tenant));

        var changed = await PatchTenantAsync(tenant, new { time_zone = "America/New_York" });

        var id = changed.GetProperty("reprojection_run_id").GetGuid();
        var run = await tenant.WaitForEndAsync(id);
        Assert.Equal("completed", run.State());
        Assert.Equal("reproject", run.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("connection_id").ValueKind);
        Assert.Equal(100m, run.GetProperty("percent").GetDecimal());
        Assert.True(run.Long("records_fetched") >= 1, run.ToString());
        Assert.Equal((1, 0), await OrdersByDayAsync(tenant));
        Assert.Contains((await tenant.GetJsonAsync<JsonElement>("/api/v1/sync")).GetProperty("data").EnumerateArray(), r => r.GetProperty("id").GetGuid() == id);
        var cancel = await tenant.PostJsonAsync($"/api/v1/sync/{id}/cancel", new { });
        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);

        var renamed = await PatchTenantAsync(tenant, new { name = "Zoned again" });
        Assert.Equal(JsonValueKind.Null, renamed.GetProperty("reprojection_run_id").ValueKind); // nothing to recompute
    }

    [Fact]
    public async Task while_a_reprojection_is_under_way_answers_say_they_are_being_recomputed()
    {
        var tenant = await app.CreateTenantAsync("Recomputing", "UTC");
        var other = await app.CreateTenantAsync("Steady", "UTC");
        // A run another server holds (its heartbeat is fresh, so no server here takes it over).
        var id = Guid.NewGuid();
        await using (var cmd = app.DataSource.CreateCommand("""
            insert into sync_runs (id, tenant_id, kind, state, requested_at, started_at, heartbeat_at, lock_key)
            values ($1, $2, 'reproject', 'running', now(), now(), now() + interval '1 hour', 'reproject:' || $2)
            """))
        {
            cmd.Parameters.Add(new() { Value = id });
            cmd.Parameters.Add(new() { Value = tenant.Id });
            await cmd.ExecuteNonQueryAsync();
        }

        var during = await tenant.Http.GetAsync("/api/v1/metrics/summary");
        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        Assert.Equal("true", Assert.Single(during.Headers.GetValues(RecomputingHeader.Name)));
        Assert.False((await other.Http.GetAsync("/api/v1/metrics/summary")).Headers.Contains(RecomputingHeader.Name));

        await using (var cmd = app.DataSource.CreateCommand("update sync_runs set state = 'completed', finished_at = now() where id = $1"))
        {
            cmd.Parameters.Add(new() { Value = id });
            await cmd.ExecuteNonQueryAsync();
        }
        Assert.False((await tenant.Http.GetAsync("/api/v1/metrics/summary")).Headers.Contains(RecomputingHeader.Name));
    }

    [Fact]
    public async Task a_change_while_a_reprojection_is_running_gets_a_run_of_its_own()
    {
        var tenant = await app.CreateTenantAsync("Changing", "UTC");
        // A re-projection that has started elsewhere (as a claim leaves it: its lock key names the run).
        var running = Guid.NewGuid();
        await using (var cmd = app.DataSource.CreateCommand("""
            insert into sync_runs (id, tenant_id, kind, state, requested_at, started_at, heartbeat_at, lock_key)
            values ($1, $2, 'reproject', 'running', now(), now(), now() + interval '1 hour', 'reproject:' || $2 || ':' || $1)
            """))
        {
            cmd.Parameters.Add(new() { Value = running });
            cmd.Parameters.Add(new() { Value = tenant.Id });
            await cmd.ExecuteNonQueryAsync();
        }

        var changed = await PatchTenantAsync(tenant, new { currency = "EUR" });

        var id = changed.GetProperty("reprojection_run_id").GetGuid();
        Assert.NotEqual(running, id);
        Assert.Equal("completed", (await tenant.WaitForEndAsync(id)).State());
        Assert.Equal("running", (await tenant.RunAsync(running)).State());
    }
}

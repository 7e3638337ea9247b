using System.Diagnostics;
using System.Globalization;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit.Abstractions;

namespace GrowHalo.Tests.Platform.Reliability.Outages;

/// <summary>
/// The database goes away (PostgreSQL stopped for 30 s) or gets slow (a table locked for 20 s) while webhooks keep
/// coming: every answer is a 2xx or a 503 problem with Retry-After, within Shopify's 5 s; the same server process
/// recovers by itself; every acknowledged webhook is stored once and projected.
/// </summary>
[Collection(OutageCollection.Name)]
public sealed class DatabaseOutageTests(OutageApp app, ITestOutputHelper output)
{
    private static readonly TimeSpan Shopify = TimeSpan.FromSeconds(5);
    private const string Secret = "shpss_outage";

    [Fact]
    public async Task postgres_stopped_for_30_s_sheds_webhooks_with_503_and_the_server_recovers_by_itself_losing_nothing()
    {
        var (tenant, shop) = await ShopAsync();
        await using var load = new WebhookLoad(app, shop, Secret, firstOrderId: 1_000_000);
        load.Start();
        await load.WaitForAcknowledgedAsync(20);

        var stopped = Stopwatch.GetTimestamp();
        await app.Postgres.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var ready = await app.ReadinessAsync();
        Assert.Equal(503, ready.Status);
        Assert.Contains("database is unreachable", ready.Detail);
        Assert.NotNull(ready.RetryAfter);
        await AssertKeyedRequestsAre503Async(tenant);
        await AssertRequestLinesNameTheirRoutesAsync(503, "/api/v1/ingest/webhook/{source}", "/api/v1/metrics/summary", "/api/v1/ingest/batch");
        await Task.Delay(TimeSpan.FromSeconds(30) - Stopwatch.GetElapsedTime(stopped));

        var returned = Stopwatch.GetTimestamp();
        var down = Stopwatch.GetElapsedTime(stopped);
        await app.Postgres.StartAgainAsync();
        var startTook = Stopwatch.GetElapsedTime(returned);
        var accepting = Stopwatch.GetTimestamp();
        var recovered = await load.FirstAcknowledgedAfterAsync(returned, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2)); // ingestion goes on after the recovery
        var deliveries = await load.StopAsync();

        var duringOutage = deliveries.Where(d => d.SentAt >= stopped && d.SentAt < returned).ToList();
        var afterStart = deliveries.Where(d => d.SentAt >= accepting).ToList();
        Assert.Contains(duringOutage, d => d.Status == 503); // the outage was seen, not slept through
        var lagZero = await WaitForLagZeroAsync();
        AssertEveryAnswerIsAcknowledgedOr503InTime(deliveries);
        await AssertAcknowledgedStoredOnceAndProjectedAsync(tenant.Id, deliveries);
        AssertBackgroundServicesRunning();
        var heartbeat = await WaitForWolverineHeartbeatAsync();

        output.WriteLine($"PostgreSQL stopped for {down.TotalSeconds:0.0} s (pg_ctl stop -m fast … pg_ctl start).");
        Report(deliveries, duringOutage, "the outage");
        output.WriteLine($"First acknowledged webhook {Seconds(recovered - returned)} s after `pg_ctl start` began " +
            $"(the start itself took {startTook.TotalSeconds:0.00} s); 503s to webhooks sent after the start began: " +
            $"{deliveries.Count(d => d.SentAt >= returned && d.Status == 503)} of {deliveries.Count(d => d.SentAt >= returned)}, " +
            $"after it returned (the server accepting connections): {afterStart.Count(d => d.Status == 503)} of {afterStart.Count}.");
        output.WriteLine($"Projection lag back to 0 events {lagZero.TotalSeconds:0.0} s after the load stopped.");
        output.WriteLine($"Wolverine's node heartbeat written again {heartbeat.TotalSeconds:0.0} s after the checks began.");
    }

    [Fact]
    public async Task a_hot_table_locked_for_20_s_sheds_webhooks_with_503_within_5_s_and_recovers()
    {
        var (tenant, shop) = await ShopAsync();
        await using var load = new WebhookLoad(app, shop, Secret, firstOrderId: 5_000_000);
        load.Start();
        await load.WaitForAcknowledgedAsync(20);

        // Another session takes the table every webhook append reads and writes first, and holds it.
        await using var locker = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(app.ConnectionString) { Pooling = false }.ConnectionString);
        await locker.OpenAsync();
        await using var tx = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("lock table mt_events in access exclusive mode", locker, tx)) await lockTable.ExecuteNonQueryAsync();
        var locked = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(5));
        var readiness = Stopwatch.StartNew();
        var ready = await app.ReadinessAsync(); // its lag query reads the locked table: bounded, not hanging
        readiness.Stop();
        Assert.True(readiness.Elapsed < Shopify, $"/health/ready took {readiness.Elapsed}");
        await Task.Delay(TimeSpan.FromSeconds(20) - Stopwatch.GetElapsedTime(locked));
        await tx.RollbackAsync();
        var released = Stopwatch.GetTimestamp();

        var recovered = await load.FirstAcknowledgedAfterAsync(released, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var deliveries = await load.StopAsync();

        var duringLock = deliveries.Where(d => d.SentAt >= locked && d.AnsweredAt < released).ToList();
        Assert.NotEmpty(duringLock);
        Assert.All(duringLock, d => Assert.Equal(503, d.Status)); // shed, not stored behind the lock
        // Shed means not stored: a group's transaction is cancelled once its last member's budget (3 s) is up, so a webhook
        // answered 503 more than that before the release was never committed behind the lock.
        var shed = deliveries.Where(d => d.Status == 503 && d.AnsweredAt > locked && d.AnsweredAt < released - (long)(3.5 * Stopwatch.Frequency))
            .Select(d => $"shopify:order:{d.OrderId}").ToArray();
        Assert.NotEmpty(shed);
        Assert.Equal(0, await app.CountAsync("select count(*) from mt_events where tenant_id = $1 and stream_id = any($2)", tenant.Id, shed));
        var lagZero = await WaitForLagZeroAsync();
        AssertEveryAnswerIsAcknowledgedOr503InTime(deliveries);
        await AssertAcknowledgedStoredOnceAndProjectedAsync(tenant.Id, deliveries);

        output.WriteLine($"mt_events locked (access exclusive) for {Seconds(released - locked)} s.");
        Report(deliveries, duringLock, "the lock");
        output.WriteLine($"/health/ready during the lock: {ready.Status} in {readiness.Elapsed.TotalSeconds:0.00} s ({ready.Detail ?? "ready"}).");
        output.WriteLine($"Webhooks shed during the lock that were stored anyway: 0 of {shed.Length}.");
        output.WriteLine($"First acknowledged webhook {Seconds(recovered - released)} s after the lock was released.");
        output.WriteLine($"Projection lag back to 0 events {lagZero.TotalSeconds:0.0} s after the load stopped.");
    }

    [Fact]
    public async Task after_a_quick_restart_with_no_traffic_between_the_first_webhooks_are_stored_not_refused_on_stale_pooled_connections()
    {
        var (tenant, shop) = await ShopAsync();
        // Thirty webhooks at once leave the pool holding idle connections, which the restart ends on the server's side:
        // the first requests after it must not be handed those dead connections and fail.
        var warm = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => SendAsync(shop, 9_000_000 + i))));
        Assert.All(warm, status => Assert.Equal(201, status));

        // And twenty more idle connections in the pool, so that stale ones are surely there to be handed out after.
        var held = new List<NpgsqlConnection>();
        for (var i = 0; i < 20; i++) held.Add(await app.DataSource.OpenConnectionAsync());
        foreach (var c in held) await c.DisposeAsync();

        await app.Postgres.StopAsync();
        await app.Postgres.StartAgainAsync();
        var after = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => SendAsync(shop, 9_100_000 + i))));

        output.WriteLine($"Webhooks right after a restart: {after.Length}, answered {string.Join(", ", after.GroupBy(s => s).Select(g => $"{g.Key}: {g.Count()}"))}.");
        Assert.All(after, status => Assert.Equal(201, status));
        Assert.Equal(60, await app.EventsAsync(tenant.Id));
    }

    private async Task<int> SendAsync(string shop, long orderId)
    {
        using var client = app.CreateClient();
        var webhook = IngestionApp.ShopifyWebhook(shop, "orders/create", Samples.Order(orderId).ToJsonString(), Secret, Guid.NewGuid().ToString());
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new StringContent(webhook.Body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(webhook.ContentType);
        foreach (var (name, value) in webhook.Headers) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await client.SendAsync(request);
        return (int)response.StatusCode;
    }

    private async Task<(TenantClient Tenant, string Shop)> ShopAsync()
    {
        var tenant = await app.CreateTenantAsync("Outage");
        var shop = Unique.Shop();
        await app.ConnectAsync(tenant, "shopify", shop, Secret);
        return (tenant, shop);
    }

    /// <summary>Keyed requests (the key itself is looked up in the database) are 503s too, never a 401 or a 500.</summary>
    private static async Task AssertKeyedRequestsAre503Async(TenantClient tenant)
    {
        using var read = await tenant.Http.GetAsync("/api/v1/metrics/summary?period=last_30_days");
        using var batch = await tenant.PostJsonAsync("/api/v1/ingest/batch", new { source = "shopify", events = new[] { new { eventType = "order", payload = Samples.Order(42) } } });
        foreach (var response in new[] { read, batch })
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == 503, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("database is unreachable", body);
        }
    }

    /// <summary>
    /// An operator reading the log during an outage sees which routes failed: the request lines of the answers the
    /// exception handler wrote (it clears the request's endpoint before writing) still name their route templates.
    /// </summary>
    private async Task AssertRequestLinesNameTheirRoutesAsync(int status, params string[] routes)
    {
        List<string> Routes() => app.Logs.Events
            .Where(e => e.Properties.TryGetValue("StatusCode", out var s) && s.ToString() == status.ToString(CultureInfo.InvariantCulture))
            .Select(e => e.Properties.TryGetValue("Route", out var r) && r is Serilog.Events.ScalarValue { Value: string route } ? route : "(none)")
            .ToList();
        // A request's line is written as its response ends, a moment after the client has read the answer.
        for (var i = 0; i < 100 && !routes.All(Routes().Contains); i++) await Task.Delay(50);
        var lines = Routes();
        Assert.All(routes, route => Assert.Contains(route, lines));
        Assert.DoesNotContain("(no route)", lines);
        Assert.DoesNotContain("(none)", lines);
    }

    private static void AssertEveryAnswerIsAcknowledgedOr503InTime(IReadOnlyList<Delivery> deliveries)
    {
        foreach (var d in deliveries)
        {
            Assert.True(d.Took < Shopify, $"order {d.OrderId}: answered {d.Status} after {d.Took.TotalSeconds:0.00} s");
            if (d.Acknowledged) continue;
            Assert.True(d.Status == 503, $"order {d.OrderId}: {d.Status} {d.Body}");
            Assert.True(int.TryParse(d.RetryAfter, CultureInfo.InvariantCulture, out var retry) && retry > 0, $"Retry-After '{d.RetryAfter}'");
            Assert.Equal("application/problem+json", d.ContentType);
            Assert.Contains("Retry in", d.Body);
            Assert.DoesNotContain("Exception", d.Body);
            Assert.DoesNotContain(" at ", d.Body);
        }
    }

    /// <summary>Every acknowledged order is one event and one projected order; nothing is stored twice.</summary>
    private async Task AssertAcknowledgedStoredOnceAndProjectedAsync(string tenant, IReadOnlyList<Delivery> deliveries)
    {
        var acknowledged = deliveries.Where(d => d.Acknowledged).Select(d => $"shopify:order:{d.OrderId}").ToArray();
        Assert.Equal(0, await app.CountAsync(
            "select count(*) from (select stream_id from mt_events where tenant_id = $1 and type <> 'tombstone' group by stream_id having count(*) > 1) twice", tenant));
        Assert.Equal(acknowledged.Length, await app.CountAsync(
            "select count(*) from mt_events where tenant_id = $1 and type <> 'tombstone' and stream_id = any($2)", tenant, acknowledged));
        var ids = deliveries.Where(d => d.Acknowledged).Select(d => d.OrderId.ToString(CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(ids.Length, await app.CountAsync("select count(*) from orders where tenant_id = $1 and order_id = any($2)", tenant, ids));
    }

    /// <summary>Polling, sync runs, the privacy worker: none of the host's loops died with the database.</summary>
    private void AssertBackgroundServicesRunning()
    {
        var services = app.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        Assert.NotEmpty(services);
        foreach (var service in services)
            Assert.False(service.ExecuteTask is { IsCompleted: true }, $"{service.GetType().Name} stopped: {service.ExecuteTask?.Exception?.GetBaseException().Message}");
        output.WriteLine($"Still running after the outage: {string.Join(", ", services.Select(s => s.GetType().Name))}.");
    }

    /// <summary>Wolverine's node agent is alive: it writes its node's health check again (it could not while the database was away).</summary>
    private async Task<TimeSpan> WaitForWolverineHeartbeatAsync()
    {
        var watch = Stopwatch.StartNew();
        var since = await app.CountAsync("select extract(epoch from now())::bigint");
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (await app.CountAsync("select coalesce(extract(epoch from max(health_check))::bigint, 0) from wolverine.wolverine_nodes") > since)
                return watch.Elapsed;
            await Task.Delay(250);
        }
        throw new TimeoutException("Wolverine's node agent wrote no health check for 60 s after the outage.");
    }

    private async Task<TimeSpan> WaitForLagZeroAsync()
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            var ready = await app.ReadinessAsync();
            if (ready.Status == 200 && ready.Lag == 0) return watch.Elapsed;
            await Task.Delay(100);
        }
        var last = await app.ReadinessAsync();
        throw new TimeoutException($"projections did not catch up in 60 s: readiness {last.Status}, lag {last.Lag}, {last.Detail}");
    }

    private void Report(IReadOnlyList<Delivery> all, IReadOnlyList<Delivery> during, string what)
    {
        output.WriteLine($"Webhooks sent in all: {all.Count} ({WebhookLoad.Summary(all)}); max answer time {all.Max(d => d.Took).TotalSeconds:0.000} s.");
        output.WriteLine($"Sent during {what}: {during.Count}, of which 503: {during.Count(d => d.Status == 503)}, acknowledged: {during.Count(d => d.Acknowledged)}; " +
            $"max answer time {during.Select(d => d.Took).DefaultIfEmpty().Max().TotalSeconds:0.000} s.");
    }

    private static string Seconds(long ticks) => (ticks / (double)Stopwatch.Frequency).ToString("0.00", CultureInfo.InvariantCulture);
}

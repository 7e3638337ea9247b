using System.Net;
using System.Text.Json.Nodes;
using Alba;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Cli;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Ingestion;

namespace GrowHalo.Tests.Platform.Tenancy.Databases;

/// <summary>Its own master and second server: the move test stops and starts its host.</summary>
public sealed class MoveApp : TwoServersApp;

/// <summary>
/// `growhalo tenants move`: with the servers stopped, a tenant's rows and events go from the master to the database on
/// the second server; started again, every answer is the one it gave before, new data lands in the new database, and
/// the other tenant on the master is untouched.
/// </summary>
public sealed class MoveTenantTests(MoveApp app) : IClassFixture<MoveApp>
{
    private static object Event(string type, JsonNode payload) => new { eventType = type, payload };

    private static readonly string[] Urls =
    [
        "/api/v1/metrics/summary?start=2026-03-01&end=2026-03-31", "/api/v1/orders", "/api/v1/customers", "/api/v1/segments",
        "/api/v1/products?start=2026-03-01&end=2026-03-31", "/api/v1/ingest/connections",
    ];

    private static async Task<Dictionary<string, string>> AnswersAsync(TenantClient tenant)
    {
        var answers = new Dictionary<string, string>();
        foreach (var url in Urls) answers[url] = await (await tenant.Scenario(s => s.Get.Url(url))).ReadAsTextAsync();
        return answers;
    }

    /// <summary>
    /// Stops the server. A server process that stops leaves no session; a host in this process leaves Marten's LISTEN
    /// connection open until the process ends, so its sessions on both databases are ended as the process's exit would.
    /// </summary>
    private async Task StopServerAsync()
    {
        await app.StopHostAsync();
        foreach (var database in new[] { app.ConnectionString, app.EuConnectionString })
            await app.CountAsync(database, """
                select count(pg_terminate_backend(pid)) from pg_stat_activity
                where datname = current_database() and application_name like 'growhalo:%' and pid <> pg_backend_pid()
                """);
        for (var i = 0; i < 100 && await app.CountAsync(app.ConnectionString,
                 "select count(*) from pg_stat_activity where datname = current_database() and application_name like 'growhalo:%'") > 0; i++)
            await Task.Delay(100);
    }

    /// <summary>The same tenant and key over the host running now.</summary>
    private TenantClient Again(TenantClient tenant) => new(tenant.Tenant, tenant.ApiKey, app.ClientWithKey(tenant.ApiKey), app.Host);

    [Fact]
    public async Task a_tenant_moved_to_another_database_answers_as_before_and_leaves_nothing_behind()
    {
        var moving = await app.CreateTenantOnAsync("Moving", "main");
        var staying = await app.CreateTenantOnAsync("Staying", "main");
        await app.Service<ConnectionStore>().CreateAsync(moving.Id,
            new ConnectionSettings("shopify", "moving-store.myshopify.com", "Moving store", null, false, 900, null, null));
        await IngestionApp.PostBatchAsync(moving, new { source = "shopify", events = Enumerable.Range(0, 6).Select(i => Event("order", Samples.Order(100 + i, total: $"{20 + i}.00"))).ToArray() });
        await IngestionApp.PostBatchAsync(staying, new { source = "shopify", events = Enumerable.Range(0, 3).Select(i => Event("order", Samples.Order(100 + i))).ToArray() });
        await moving.Scenario(s =>
        {
            s.Post.Json(new { name = "Buyers", rules = new { all = new[] { new { field = "orders_count", op = "gte", value = 1 } } } }).ToUrl("/api/v1/segments");
            s.StatusCodeShouldBe(HttpStatusCode.Created);
        });
        await app.WaitForProjectionsAsync();
        var before = await AnswersAsync(moving);
        var stayingBefore = await AnswersAsync(staying);

        // A running server is refused: the move copies rows it could be changing.
        var refused = await GrowHaloProcess.RunAsync(app.ConnectionString, "tenants", "move", moving.Id, "--to", "eu");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("stop every server before moving a tenant", refused.Stderr);
        Assert.Equal("main", await app.Service<TenantDatabases>().DatabaseIdOfAsync(moving.Id));

        await StopServerAsync();
        var moved = await GrowHaloProcess.RunAsync(app.ConnectionString, "tenants", "move", moving.Tenant.Slug, "--to", "eu");
        Assert.True(moved.ExitCode == 0, moved.ToString());
        Assert.Contains($"Moved tenant {moving.Id} from main to eu: 6 events", moved.Stdout);
        await app.StartHostAsync();
        (moving, staying) = (Again(moving), Again(staying));
        await app.WaitForProjectionsAsync();

        Assert.Equal("eu", await app.Service<TenantDatabases>().DatabaseIdOfAsync(moving.Id));
        Assert.Equal(6, await app.CountAsync(app.EuConnectionString, "select count(*) from mt_events where tenant_id = $1", moving.Id));
        Assert.Equal(6, await app.CountAsync(app.EuConnectionString, "select count(*) from orders where tenant_id = $1", moving.Id));
        Assert.Equal(1, await app.CountAsync(app.EuConnectionString, "select count(*) from polling_cursors p join ingest_connections c on c.id = p.connection_id where c.tenant_id = $1", moving.Id));
        foreach (var table in new[] { "mt_events", "mt_streams", "orders", "daily_summaries", "segments", "ingest_connections", "ingest_batches" })
            Assert.Equal(0, await app.CountAsync(app.ConnectionString, $"select count(*) from {table} where tenant_id = $1", moving.Id));
        // The master keeps what spans tenants: the tenant's row and its key (which still works, see below).
        Assert.Equal(1, await app.CountAsync(app.ConnectionString, "select count(*) from api_keys where tenant_id = $1", moving.Id));

        var after = await AnswersAsync(moving);
        foreach (var url in Urls) Assert.True(Same(before[url], after[url]), $"{url} changed:\n before: {before[url]}\n after:  {after[url]}");
        var stayingAfter = await AnswersAsync(staying);
        foreach (var url in Urls) Assert.True(Same(stayingBefore[url], stayingAfter[url]), $"{url} of the tenant that stayed changed");

        // New data goes to the new database, counted with the moved.
        await IngestionApp.PostBatchAsync(moving, new { source = "shopify", events = new[] { Event("order", Samples.Order(200)) } });
        await app.WaitForProjectionsAsync();
        Assert.Equal(7, await app.CountAsync(app.EuConnectionString, "select count(*) from orders where tenant_id = $1", moving.Id));
        var summary = System.Text.Json.JsonDocument.Parse(await (await moving.Scenario(s => s.Get.Url(Urls[0]))).ReadAsTextAsync()).RootElement;
        Assert.Equal(7, summary.GetProperty("current").GetProperty("orders_count").GetInt32());

        // Moving it there again finds nothing to do.
        await StopServerAsync();
        var again = await GrowHaloProcess.RunAsync(app.ConnectionString, "tenants", "move", moving.Id, "--to", "eu");
        await app.StartHostAsync();
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("is on eu already", again.Stdout);
    }

    /// <summary>Equal but for when the answer (or a segment's count) was made.</summary>
    private static bool Same(string a, string b)
    {
        static string Strip(string json)
        {
            var node = JsonNode.Parse(json)!;
            void Walk(JsonNode? n)
            {
                if (n is JsonObject o) { o.Remove("as_of"); o.Remove("computed_at"); foreach (var (_, v) in o.ToList()) Walk(v); }
                else if (n is JsonArray arr) foreach (var item in arr) Walk(item);
            }
            Walk(node);
            return node.ToJsonString();
        }
        return Strip(a) == Strip(b);
    }
}

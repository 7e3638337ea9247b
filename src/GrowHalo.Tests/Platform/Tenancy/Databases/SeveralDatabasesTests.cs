using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using GrowHalo.Platform.Events.Projections;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Cli;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Ingestion;
using Npgsql;

namespace GrowHalo.Tests.Platform.Tenancy.Databases;

/// <summary>
/// A master database on the run's server and a second data database ("eu") on a second PostgreSQL server, added by
/// the operator with `growhalo databases add` before the server starts.
/// </summary>
public class TwoServersApp : GrowHaloApp
{
    public string EuConnectionString { get; private set; } = "";
    public CliResult Added { get; private set; } = new(0, "", "");

    public override async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync();
        EuConnectionString = await TestPostgres.CreateEmptyDatabaseOnSecondServerAsync();
        Added = await GrowHaloProcess.RunAsync(ConnectionString, "databases", "add", "eu", EuConnectionString);
        await StartHostAsync();
    }

    public async Task<long> CountAsync(string connectionString, string sql, params object[] args)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    /// <summary>A tenant (Europe/Berlin, USD) placed on the given database, with a key of every scope.</summary>
    public async Task<TenantClient> CreateTenantOnAsync(string name, string database)
    {
        var tenant = await Service<TenantStore>().CreateAsync($"{name} {Guid.NewGuid():N}"[..(name.Length + 9)], null, "Europe/Berlin", "USD",
            CancellationToken.None, database);
        var key = await Service<ApiKeyStore>().CreateAsync(tenant.Id, Scopes.All, "test");
        return new TenantClient(tenant, key.RawKey, ClientWithKey(key.RawKey), Host);
    }

    public async Task<long> SizeAsync(string connectionString) => await CountAsync(connectionString, "select pg_database_size(current_database())");
}

/// <summary>
/// Tenants spread over two PostgreSQL servers (Marten's sharded tenancy, the pool kept in the master): a new tenant is
/// placed on the emptier database, its events and read models live there alone, each database's daemon projects its own
/// tenants, and every endpoint, the CLI and rebuilds answer the same for a tenant wherever it lives.
/// </summary>
public sealed class SeveralDatabasesTests(TwoServersApp app, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<TwoServersApp>
{
    private static object Event(string type, JsonNode payload) => new { eventType = type, payload };

    private static async Task PostOrdersAsync(TenantClient tenant, int count, long firstId)
    {
        var events = Enumerable.Range(0, count).Select(i => Event("order", Samples.Order(firstId + i, total: $"{100 + i}.50"))).ToArray();
        await IngestionApp.PostBatchAsync(tenant, new { source = "shopify", events });
    }

    private static async Task<string> GetAsync(TenantClient tenant, string url) =>
        await (await tenant.Scenario(s => s.Get.Url(url))).ReadAsTextAsync();

    private async Task<string> PlaceOfAsync(string tenantId) =>
        await app.Service<TenantDatabases>().DatabaseIdOfAsync(tenantId);

    [Fact]
    public async Task the_operator_adds_a_database_and_both_list_with_their_tenants()
    {
        Assert.True(app.Added.ExitCode == 0, app.Added.ToString());
        Assert.Contains("Added database eu: migrated, in the pool", app.Added.Stdout);

        var list = await GrowHaloProcess.RunAsync(app.ConnectionString, "databases", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        var rows = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split('\t')).ToList();
        Assert.Equal(["main", "eu"], rows.Select(r => r[0]));
        Assert.Equal(new NpgsqlConnectionStringBuilder(app.EuConnectionString).Database, rows[1][2]);

        // A second add of the same id, or of a database already in the pool, or of one that cannot be reached, changes nothing.
        var again = await GrowHaloProcess.RunAsync(app.ConnectionString, "databases", "add", "eu", app.EuConnectionString);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("error: There is a database 'eu' in the pool already.", again.Stderr);
        var twice = await GrowHaloProcess.RunAsync(app.ConnectionString, "databases", "add", "eu-2", app.EuConnectionString);
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains("is in the pool already", twice.Stderr);
        var bad = await GrowHaloProcess.RunAsync(app.ConnectionString, "databases", "add", "EU 3", app.EuConnectionString);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("is not a usable database id", bad.Stderr);
        Assert.Equal(2, (await app.Service<TenantDatabases>().ListAsync()).Count);
    }

    [Fact]
    public async Task a_new_tenant_goes_to_the_emptier_database_and_its_data_lives_there_alone()
    {
        // Whichever database is emptier now gets the next tenant; filling it sends the one after to the other.
        var (mainBytes, euBytes) = (await app.SizeAsync(app.ConnectionString), await app.SizeAsync(app.EuConnectionString));
        var first = await app.CreateTenantAsync("First");
        var firstPlace = await PlaceOfAsync(first.Id);
        Assert.Equal(euBytes < mainBytes ? "eu" : "main", firstPlace);
        var firstCs = firstPlace == "eu" ? app.EuConnectionString : app.ConnectionString;
        var otherCs = firstPlace == "eu" ? app.ConnectionString : app.EuConnectionString;
        await using (var conn = new NpgsqlConnection(firstCs))
        {
            // 32 MB more in the first tenant's database than in the other.
            await conn.OpenAsync();
            await using var pad = new NpgsqlCommand($"create table padding as select repeat('x', 1000) as filler from generate_series(1, {Math.Max(0, (Math.Abs(mainBytes - euBytes) + (32 << 20)) / 1000)})", conn);
            pad.CommandTimeout = 120;
            await pad.ExecuteNonQueryAsync();
        }
        var second = await app.CreateTenantAsync("Second");
        Assert.NotEqual(firstPlace, await PlaceOfAsync(second.Id));
        output.WriteLine($"main {mainBytes / 1048576.0:0.0} MB, eu {euBytes / 1048576.0:0.0} MB: first on {firstPlace}, second on {await PlaceOfAsync(second.Id)}");

        await PostOrdersAsync(first, 3, 1000);
        await PostOrdersAsync(second, 2, 2000);
        await app.WaitForProjectionsAsync();
        // Events and read models in the tenant's own database, none in the other; the tenant's row is copied there.
        Assert.Equal(3, await app.CountAsync(firstCs, "select count(*) from mt_events where tenant_id = $1", first.Id));
        Assert.Equal(0, await app.CountAsync(otherCs, "select count(*) from mt_events where tenant_id = $1", first.Id));
        Assert.Equal(3, await app.CountAsync(firstCs, "select count(*) from orders where tenant_id = $1", first.Id));
        Assert.Equal(0, await app.CountAsync(otherCs, "select count(*) from orders where tenant_id = $1", first.Id));
        Assert.Equal(2, await app.CountAsync(otherCs, "select count(*) from orders where tenant_id = $1", second.Id));
        Assert.Equal(1, await app.CountAsync(firstCs, "select count(*) from tenants where id = $1", first.Id));
        // Each database's daemon projected its own tenants.
        Assert.True(await app.CountAsync(app.EuConnectionString, "select coalesce(max(last_seq_id), 0) from mt_event_progression where name = 'commerce:All'") > 0);
        Assert.True(await app.CountAsync(app.ConnectionString, "select coalesce(max(last_seq_id), 0) from mt_event_progression where name = 'commerce:All'") > 0);
    }

    [Fact]
    public async Task every_answer_is_the_same_for_a_tenant_on_either_database_and_neither_reaches_the_other()
    {
        // Two tenants with the same orders, one on each database (placed by the operator: `tenants create --database`).
        var onEu = await app.CreateTenantOnAsync("OnEu", "eu");
        var onMain = await app.CreateTenantOnAsync("OnMain", "main");
        Assert.Equal("eu", await PlaceOfAsync(onEu.Id));
        Assert.Equal("main", await PlaceOfAsync(onMain.Id));

        foreach (var tenant in new[] { onEu, onMain }) await PostOrdersAsync(tenant, 4, 5000);
        await app.WaitForProjectionsAsync();

        string[] urls =
        [
            "/api/v1/metrics/summary?start=2026-03-01&end=2026-03-31", "/api/v1/metrics?metrics=revenue,orders_count&start=2026-03-01&end=2026-03-03",
            "/api/v1/orders", "/api/v1/customers", "/api/v1/analytics/top-customers?start=2026-03-01&end=2026-03-31", "/api/v1/products?start=2026-03-01&end=2026-03-31",
        ];
        foreach (var url in urls)
        {
            var (eu, main) = (await GetAsync(onEu, url), await GetAsync(onMain, url));
            Assert.True(Normalise(eu) == Normalise(main), $"{url} differs:\n eu:   {eu}\n main: {main}");
        }
        var summary = JsonDocument.Parse(await GetAsync(onEu, "/api/v1/metrics/summary?start=2026-03-01&end=2026-03-31")).RootElement;
        Assert.Equal(4, summary.GetProperty("current").GetProperty("orders_count").GetInt32());
        Assert.Equal(408.00m, summary.GetProperty("current").GetProperty("gross_revenue").GetDecimal()); // 100.50 + 101.50 + 102.50 + 103.50

        // Neither tenant's key reaches the other's order, on either database.
        await PostOrdersAsync(onEu, 1, 7777);
        await app.WaitForProjectionsAsync();
        await onEu.Scenario(s => s.Get.Url("/api/v1/orders/7777"));
        await onMain.Scenario(s => { s.Get.Url("/api/v1/orders/7777"); s.StatusCodeShouldBe(HttpStatusCode.NotFound); });

        // A tenant's rebuild from the CLI runs in its own database and changes none of its answers.
        var before = await GetAsync(onEu, "/api/v1/metrics/summary?start=2026-03-01&end=2026-03-31");
        var rebuilt = await GrowHaloProcess.RunAsync(app.ConnectionString, "projections", "rebuild", "--tenant", onEu.Id);
        Assert.True(rebuilt.ExitCode == 0, rebuilt.ToString());
        await app.WaitForProjectionsAsync();
        Assert.Equal(Normalise(before), Normalise(await GetAsync(onEu, "/api/v1/metrics/summary?start=2026-03-01&end=2026-03-31")));
        var status = await GrowHaloProcess.RunAsync(app.ConnectionString, "projections", "status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("eu ", status.Stdout);

        // A settings change reaches the copy of the tenant's row in its database (its read models read the zone there).
        await onEu.Scenario(s => { s.Patch.Json(new { time_zone = "America/New_York" }).ToUrl("/api/v1/tenant"); s.StatusCodeShouldBeOk(); });
        Assert.Equal(1, await app.CountAsync(app.EuConnectionString, "select count(*) from tenants where id = $1 and time_zone = 'America/New_York'", onEu.Id));

        // Readiness asks every database.
        var ready = JsonDocument.Parse(await (await app.Host.Scenario(s => s.Get.Url("/health/ready"))).ReadAsTextAsync()).RootElement;
        Assert.Equal("ready", ready.GetProperty("status").GetString());
    }

    /// <summary>An answer without what differs between two tenants by design: ids, names, times of receipt.</summary>
    private static string Normalise(string json)
    {
        var node = JsonNode.Parse(json)!;
        Strip(node);
        return node.ToJsonString();

        static void Strip(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                foreach (var key in o.Select(p => p.Key).ToList())
                    if (key is "as_of" or "tenant_id" or "received_at" or "last_event_at" or "id" or "next_cursor" or "cursor") o.Remove(key);
                    else Strip(o[key]);
            }
            else if (n is JsonArray a) foreach (var item in a) Strip(item);
        }
    }
}

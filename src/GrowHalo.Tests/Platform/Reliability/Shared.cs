using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using GrowHalo.Platform.Events;
using GrowHalo.Platform.Events.Projections;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Cli;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GrowHalo.Tests.Platform.Reliability;

/// <summary>A tenant made for a fault test: its key and its Shopify shop (connection with a webhook secret).</summary>
public sealed record ShopTenant(string Id, string ApiKey, string Shop, string Secret);

/// <summary>
/// A fresh migrated database that server processes share, the settings every one of them gets, and what the fault
/// tests ask of the database: stored events per stream, who holds each projection's hot/cold lock, where each
/// projection stands, and the read models' rows (to compare with a rebuild's).
/// </summary>
public sealed class SharedDatabase : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private SharedDatabase(string connectionString, ServiceProvider services)
    {
        ConnectionString = connectionString;
        _services = services;
    }

    public string ConnectionString { get; }
    public NpgsqlDataSource Db => _services.GetRequiredService<NpgsqlDataSource>();
    public ProjectionStatusQuery Status => _services.GetRequiredService<ProjectionStatusQuery>();
    public IReadOnlyList<string> Projections => _services.GetRequiredService<ProjectionRebuilder>().Names;

    /// <summary>
    /// What every server gets: one master key for connection secrets (any node unseals what another sealed), no
    /// request rate limit (the limiter is not under test; 64 senders from one address would meet it), no scheduled
    /// polling unless a test turns it on. The daemon's timing is the product's default (LeadershipPollingTime 2 s).
    /// </summary>
    public Dictionary<string, string> Environment { get; } = new()
    {
        ["GROWHALO_SECRET_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["RateLimits__Enabled"] = "false",
        ["Polling__Enabled"] = "false",
    };

    public static async Task<SharedDatabase> CreateAsync()
    {
        var cs = await ScratchDatabase.MigratedAsync();
        return new SharedDatabase(cs, AppServices.For(cs));
    }

    /// <summary>A server over this database with the common settings, <paramref name="more"/> added or overriding.</summary>
    public ServerNode StartNode(string name, IReadOnlyDictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string>(Environment);
        foreach (var (key, value) in more ?? new Dictionary<string, string>()) settings[key] = value;
        return ServerNode.Start(name, ConnectionString, settings);
    }

    /// <summary>A tenant with an all-scopes key and a Shopify connection made through <paramref name="node"/>'s API.</summary>
    public async Task<ShopTenant> CreateShopTenantAsync(HttpClient http, ServerNode node)
    {
        var tenant = await _services.GetRequiredService<TenantStore>().CreateAsync($"Faults {Guid.NewGuid():N}"[..15]);
        var key = await _services.GetRequiredService<ApiKeyStore>().CreateAsync(tenant.Id, Scopes.All, "reliability");
        var shop = $"shop-{Guid.NewGuid():N}"[..17] + ".myshopify.com";
        var secret = "shpss_" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, node.BaseUrl + "/api/v1/ingest/connections")
        {
            Content = JsonContent.Create(new { source = "shopify", external_account_id = shop, display_name = "faults", webhook_secret = secret }),
        };
        request.Headers.Add("x-api-key", key.RawKey);
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return new ShopTenant(tenant.Id, key.RawKey, shop, secret);
    }

    /// <summary>Stored events per stream of the tenant (tombstones of failed appends aside).</summary>
    public async Task<Dictionary<string, long>> StreamsAsync(string tenantId)
    {
        await using var cmd = Db.CreateCommand("select stream_id, count(*) from mt_events where tenant_id = $1 and type <> 'tombstone' group by 1");
        cmd.Parameters.Add(new() { Value = tenantId });
        var streams = new Dictionary<string, long>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) streams[r.GetString(0)] = r.GetInt64(1);
        return streams;
    }

    public async Task<long> ScalarAsync(string sql, params object[] args)
    {
        await using var cmd = Db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(new() { Value = a });
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    /// <summary>
    /// Per projection, the application name of the session holding the hot/cold lock it runs under (null: nobody runs
    /// it): over the pool of databases, Marten's leadership lock of the database, whose holder runs all its projections.
    /// </summary>
    public async Task<Dictionary<string, string?>> HoldersAsync()
    {
        var held = new Dictionary<long, string>();
        await using (var cmd = Db.CreateCommand("""
            select (l.classid::bigint << 32) | l.objid::bigint, a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted and l.objsubid = 1
              and l.database = (select oid from pg_database where datname = current_database())
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) held[r.GetInt64(0)] = r.GetString(1);
        return Projections.ToDictionary(p => p, p => held.GetValueOrDefault(MartenSetup.DaemonLockId));
    }

    /// <summary>Each projection's position (Marten's progress row).</summary>
    public async Task<Dictionary<string, long>> PositionsAsync() =>
        (await Status.GetAsync()).ToDictionary(s => s.Name, s => long.Parse(s.Position, System.Globalization.CultureInfo.InvariantCulture));

    public Task WaitForProjectionsAsync(TimeSpan? limit = null) => Status.WaitForNonStaleAsync(limit ?? TimeSpan.FromSeconds(60));

    /// <summary>The read models a founder's numbers come from, row by row in key order.</summary>
    public async Task<Dictionary<string, List<string>>> ReadModelsAsync()
    {
        var tables = new Dictionary<string, string>
        {
            ["daily_summaries"] = "tenant_id, day", ["orders"] = "tenant_id, order_id",
            ["order_refunds"] = "tenant_id, refund_id", ["customers"] = "tenant_id, customer_key",
        };
        var rows = new Dictionary<string, List<string>>();
        foreach (var (table, key) in tables)
        {
            await using var cmd = Db.CreateCommand($"select t::text from {table} t order by {key}");
            var list = rows[table] = [];
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) list.Add(r.GetString(0));
        }
        return rows;
    }

    /// <summary>Asserts two snapshots of the read models hold the same rows, naming the first table and row that differ.</summary>
    public static void AssertSameRows(Dictionary<string, List<string>> expected, Dictionary<string, List<string>> actual, string what)
    {
        foreach (var (table, rows) in expected)
        {
            var other = actual[table];
            var missing = rows.Except(other).FirstOrDefault();
            var extra = other.Except(rows).FirstOrDefault();
            Assert.True(rows.SequenceEqual(other),
                $"{what}: {table} has {other.Count} rows against {rows.Count}; first missing: {missing ?? "none"}; first extra: {extra ?? "none"}");
        }
    }

    /// <summary><c>growhalo projections rebuild</c>, as an operator runs it, to its end.</summary>
    public async Task RebuildWithCliAsync()
    {
        var result = await GrowHaloProcess.RunAsync(ConnectionString, "projections", "rebuild");
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}

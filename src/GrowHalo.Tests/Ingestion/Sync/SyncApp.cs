using System.Net;
using System.Text.Json;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Simulator.StandIns;
using GrowHalo.Simulator.World;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Simulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace GrowHalo.Tests.Ingestion.Sync;

/// <summary>
/// GrowHalo running sync runs (the scheduled polling off, so only runs read the stand-ins), against the stand-in APIs
/// serving a simulated brand of 20 days ending at <see cref="Now"/>, in small Shopify pages so a run has many.
/// </summary>
public sealed class SyncApp : GrowHaloApp
{
    public const int PageSize = 50;
    public static readonly DateTimeOffset Now = new(2026, 3, 10, 17, 0, 0, TimeSpan.Zero);
    public ManualTime Clock { get; } = new(Now);
    public StandInServer StandIns { get; private set; } = null!;
    public SimWorld World => StandIns.State.World;
    public StandInFaults Faults => StandIns.State.Faults;

    public override async Task InitializeAsync()
    {
        var world = new SimWorld(new WorldOptions(), new DateOnly(2026, 2, 19));
        StandIns = await StandInServer.StartAsync(new StandInState(world, Clock, new StandInOptions { RetryAfterSeconds = 0.05, BucketSize = 10_000 }));
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Polling:Enabled", "false");
        builder.UseSetting("Polling:BackfillDays", "30");
        builder.UseSetting("Polling:DaysPerRequest", "7");
        builder.UseSetting("Polling:ShopifyPageSize", PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Polling:MaxAttempts", "2");
        builder.UseSetting("Polling:RetryDelay", "00:00:00.010");
        builder.UseSetting("Sync:Tick", "00:00:00.200");
        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock));
    }

    public int Visible(ShopifyResource resource) => World.Records(resource, Clock.Now).Count;

    public int AllShopifyRecords => Visible(ShopifyResource.Orders) + Visible(ShopifyResource.Customers) + Visible(ShopifyResource.Products) +
                                    Visible(ShopifyResource.Checkouts);

    /// <summary>A tenant with one connection of <paramref name="source"/> to the stand-ins (the previous test's steps aside).</summary>
    public async Task<(TenantClient Tenant, IngestConnection Connection)> ConnectAsync(string source, TenantClient? tenant = null)
    {
        tenant ??= await CreateTenantAsync("Synced", "America/New_York");
        var account = source switch { "shopify" => World.Options.ShopDomain, "meta" => World.Options.MetaAccountId, _ => World.Options.GoogleCustomerId };
        await using (var cmd = DataSource.CreateCommand("update ingest_connections set enabled = false where source = $1 and external_account_id = $2"))
        {
            cmd.Parameters.Add(new() { Value = source });
            cmd.Parameters.Add(new() { Value = account });
            await cmd.ExecuteNonQueryAsync();
        }
        var connection = await Service<ConnectionStore>().CreateAsync(tenant.Id, new ConnectionSettings(
            source, account, $"{source} stand-in", StandIns.BaseUrl, PollingEnabled: true, 900, null, "token-" + source));
        return (tenant, connection);
    }

    public async Task<long> EventsAsync(string tenantId, string streamPrefix)
    {
        await using var cmd = DataSource.CreateCommand("select count(*) from mt_events where tenant_id = $1 and starts_with(stream_id, $2)");
        cmd.Parameters.Add(new() { Value = tenantId });
        cmd.Parameters.Add(new() { Value = streamPrefix });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public override async Task DisposeAsync()
    {
        Faults.Release();
        await base.DisposeAsync();
        await StandIns.DisposeAsync();
    }
}

public static class SyncHttp
{
    /// <summary>POST /api/v1/sync; must answer 202. Returns the run id and the answer.</summary>
    public static async Task<(Guid Id, JsonElement Body, HttpResponseMessage Response)> StartSyncAsync(this TenantClient tenant, object body)
    {
        var response = await tenant.PostJsonAsync("/api/v1/sync", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
        var json = JsonDocument.Parse(text).RootElement.Clone();
        return (json.GetProperty("sync_run_id").GetGuid(), json, response);
    }

    public static Task<JsonElement> RunAsync(this TenantClient tenant, Guid id) => tenant.GetJsonAsync<JsonElement>($"/api/v1/sync/{id}");

    /// <summary>Reads the run until <paramref name="until"/> holds (30 s at most); the run as then answered.</summary>
    public static async Task<JsonElement> WaitForAsync(this TenantClient tenant, Guid id, Func<JsonElement, bool> until, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var run = await tenant.RunAsync(id);
            if (until(run)) return run;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Sync run {id} never got {what}: {run}");
            await Task.Delay(50);
        }
    }

    public static Task<JsonElement> WaitForEndAsync(this TenantClient tenant, Guid id) =>
        tenant.WaitForAsync(id, r => r.GetProperty("state").GetString() is "completed" or "failed" or "cancelled", "to an end");

    public static string State(this JsonElement run) => run.GetProperty("state").GetString()!;
    public static long Long(this JsonElement run, string name) => run.GetProperty(name).GetInt64();
}

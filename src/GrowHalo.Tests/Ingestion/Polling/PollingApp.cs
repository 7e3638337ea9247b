using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Polling;
using GrowHalo.Simulator.StandIns;
using GrowHalo.Simulator.World;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Simulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace GrowHalo.Tests.Ingestion.Polling;

/// <summary>
/// GrowHalo with its polling service off (tests run passes by hand), fast retries, and one clock shared with the
/// stand-in APIs, which serve a simulated brand of 20 days ending at <see cref="Now"/>.
/// </summary>
public sealed class PollingApp : GrowHaloApp
{
    public static readonly DateTimeOffset Now = new(2026, 3, 10, 17, 0, 0, TimeSpan.Zero); // noon in New York
    public ManualTime Clock { get; } = new(Now);
    public StandInServer StandIns { get; private set; } = null!;
    public SimWorld World => StandIns.State.World;

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
        builder.UseSetting("Polling:ShopifyPageSize", "100");
        builder.UseSetting("Polling:MaxAttempts", "2");
        builder.UseSetting("Polling:RetryDelay", "00:00:00.010");
        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>A tenant in the shop's time zone with one connection of <paramref name="source"/> pointing at the stand-ins.</summary>
    public async Task<(TenantClient Tenant, IngestConnection Connection)> ConnectAsync(string source, string? baseUrl = null)
    {
        var tenant = await CreateTenantAsync("Polled", "America/New_York");
        var account = source switch { "shopify" => World.Options.ShopDomain, "meta" => World.Options.MetaAccountId, _ => World.Options.GoogleCustomerId };
        // One enabled connection per platform account: the previous test's connection steps aside.
        await using (var cmd = DataSource.CreateCommand("update ingest_connections set enabled = false where source = $1 and external_account_id = $2"))
        {
            cmd.Parameters.Add(new() { Value = source });
            cmd.Parameters.Add(new() { Value = account });
            await cmd.ExecuteNonQueryAsync();
        }
        var connection = await Service<ConnectionStore>().CreateAsync(tenant.Id, new ConnectionSettings(
            source, $"{account}", $"{source} stand-in", baseUrl ?? StandIns.BaseUrl, PollingEnabled: false, 900, null, "token-" + source));
        return (tenant, connection);
    }

    public Task<PollOutcome> PollAsync(IngestConnection connection) => Service<ConnectionPoller>().PollAsync(connection, CancellationToken.None);

    public async Task<long> EventsAsync(string tenantId, string streamPrefix)
    {
        await using var cmd = DataSource.CreateCommand("select count(*) from mt_events where tenant_id = $1 and starts_with(stream_id, $2)");
        cmd.Parameters.Add(new() { Value = tenantId });
        cmd.Parameters.Add(new() { Value = streamPrefix });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await StandIns.DisposeAsync();
    }
}

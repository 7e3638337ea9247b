using GrowHalo.Ingestion.Connections;
using GrowHalo.Simulator.StandIns;
using GrowHalo.Simulator.World;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Simulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace GrowHalo.Tests.Ingestion;

/// <summary>
/// GrowHalo with its scheduled polling off, fast retries, and one clock shared with the stand-in APIs, which serve a
/// simulated brand of 20 days ending at <see cref="Now"/>: what the polling and the sync-run tests both stand on.
/// </summary>
public abstract class StandInApp : GrowHaloApp
{
    public static readonly DateTimeOffset Now = new(2026, 3, 10, 17, 0, 0, TimeSpan.Zero); // noon in New York
    public ManualTime Clock { get; } = new(Now);
    public StandInServer StandIns { get; private set; } = null!;
    public SimWorld World => StandIns.State.World;

    /// <summary>Records per page of the Shopify stand-in's answers.</summary>
    protected abstract int ShopifyPageSize { get; }

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
        builder.UseSetting("Polling:ShopifyPageSize", ShopifyPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Polling:MaxAttempts", "2");
        builder.UseSetting("Polling:RetryDelay", "00:00:00.010");
        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>
    /// A connection of <paramref name="source"/> for <paramref name="tenant"/>, pointing at the stand-ins (or
    /// <paramref name="baseUrl"/>). One enabled connection per platform account: the previous test's steps aside.
    /// </summary>
    protected async Task<IngestConnection> ConnectAsync(TenantClient tenant, string source, string? baseUrl, bool polling)
    {
        var account = source switch { "shopify" => World.Options.ShopDomain, "meta" => World.Options.MetaAccountId, _ => World.Options.GoogleCustomerId };
        await using (var cmd = DataSource.CreateCommand("update ingest_connections set enabled = false where source = $1 and external_account_id = $2"))
        {
            cmd.Parameters.Add(new() { Value = source });
            cmd.Parameters.Add(new() { Value = account });
            await cmd.ExecuteNonQueryAsync();
        }
        return await Service<ConnectionStore>().CreateAsync(tenant.Id, new ConnectionSettings(
            source, account, $"{source} stand-in", baseUrl ?? StandIns.BaseUrl, polling, 900, null, "token-" + source));
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
        await base.DisposeAsync();
        await StandIns.DisposeAsync();
    }
}

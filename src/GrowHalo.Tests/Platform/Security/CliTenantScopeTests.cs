using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Cli;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GrowHalo.Tests.Platform.Security;

/// <summary>CLI commands given --tenant act on that tenant only.</summary>
public sealed class CliTenantScopeTests
{
    [Fact]
    public async Task projections_rebuild_with_a_tenant_rebuilds_only_that_tenants_rows()
    {
        var cs = await ScratchDatabase.MigratedAsync();
        await using var services = AppServices.For(cs);
        var tenants = services.GetRequiredService<TenantStore>();
        var a = await tenants.CreateAsync("Alpha", "alpha-cli", "UTC", "USD");
        var b = await tenants.CreateAsync("Bravo", "bravo-cli", "UTC", "USD");
        var appender = services.GetRequiredService<GrowHalo.Platform.Events.EventAppender>();
        foreach (var tenant in new[] { a.Id, b.Id })
            await appender.AppendAsync(tenant, [.. Enumerable.Range(0, 10).Select(i => GrowHalo.Tests.Modeling.SourceRecords.Event(tenant,
                $"shopify:order:{i}", $"k{i}", GrowHalo.Ingestion.SourceEventTypes.ShopifyOrder, System.Text.Json.JsonSerializer.SerializeToElement(new { id = i })))]);
        var rebuilt = await GrowHaloProcess.RunAsync(cs, "projections", "rebuild", "--projection", "ingest_activity");
        Assert.True(rebuilt.ExitCode == 0, rebuilt.ToString());
        // Both tenants' rows spoiled; a rebuild of A's must restore A's and leave B's as they are.
        var db = services.GetRequiredService<NpgsqlDataSource>();
        await using (var spoil = db.CreateCommand("update ingest_activity set events = 999 where source = 'shopify'"))
            await spoil.ExecuteNonQueryAsync();

        var result = await GrowHaloProcess.RunAsync(cs, "projections", "rebuild", "--projection", "ingest_activity", "--tenant", "alpha-cli");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(10L, await EventsAsync(db, a.Id));
        Assert.Equal(999L, await EventsAsync(db, b.Id));
    }

    private static async Task<long?> EventsAsync(NpgsqlDataSource db, string tenantId)
    {
        await using var cmd = db.CreateCommand("select events from ingest_activity where tenant_id = $1 and source = 'shopify'");
        cmd.Parameters.Add(new() { Value = tenantId });
        return await cmd.ExecuteScalarAsync() as long?;
    }
}

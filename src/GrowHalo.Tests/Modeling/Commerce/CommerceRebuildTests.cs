using GrowHalo.EventStore.Projections;
using GrowHalo.Tests.Analytics.EndToEnd;

namespace GrowHalo.Tests.Modeling.Commerce;

/// <summary>
/// Replaying the generated scenario from scratch, in rebuild-sized batches, gives exactly the read models the live
/// daemon built from the same events in small, interleaved batches.
/// </summary>
public sealed class CommerceRebuildTests(ScenarioApp app) : IClassFixture<ScenarioApp>
{
    private static readonly string[] Tables =
        ["orders", "order_refunds", "customers", "ad_spend", "products", "checkouts", "daily_summaries", "read_model_freshness"];

    private async Task<Dictionary<string, string>> SnapshotAsync()
    {
        var snapshot = new Dictionary<string, string>();
        foreach (var table in Tables)
        {
            await using var cmd = app.DataSource.CreateCommand(
                $"select count(*)::text || E'\\n' || coalesce(string_agg(t::text, E'\\n' order by t::text), '') from {table} t where tenant_id = $1");
            cmd.Parameters.Add(new() { Value = app.Shop.Id });
            snapshot[table] = (string)(await cmd.ExecuteScalarAsync())!;
        }
        return snapshot;
    }

    [Fact]
    public async Task a_rebuild_from_scratch_yields_exactly_the_read_models_the_live_daemon_built()
    {
        var live = await SnapshotAsync();
        Assert.All(Tables, t => Assert.False(live[t].StartsWith("0\n", StringComparison.Ordinal), $"{t} is empty"));

        await app.Service<ProjectionRebuilder>().RebuildAsync("commerce", null, null, CancellationToken.None);
        var rebuilt = await SnapshotAsync();
        Assert.All(Tables, t => Assert.Equal(live[t], rebuilt[t]));

        await app.Service<ProjectionRebuilder>().RebuildAsync("commerce", app.Shop.Id, null, CancellationToken.None);
        var tenantRebuilt = await SnapshotAsync();
        Assert.All(Tables, t => Assert.Equal(live[t], tenantRebuilt[t]));
    }
}

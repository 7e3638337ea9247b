using GrowHalo.Platform.Events.Projections;
using GrowHalo.Tests.Analytics.EndToEnd;

namespace GrowHalo.Tests.Modeling.Commerce;

/// <summary>
/// Replaying the generated scenario from scratch, in rebuild-sized batches, gives exactly the read models the live
/// daemon built from the same events in small, interleaved batches.
/// </summary>
public sealed class CommerceRebuildTests(ScenarioApp app) : IClassFixture<ScenarioApp>
{
    private static readonly string[] Tables =
        ["orders", "order_refunds", "customers", "ad_spend", "products", "checkouts", "daily_summaries", "read_model_freshness",
         "order_day_totals", "first_order_days", "customer_periods", "cohort_periods"];

    /// <summary>The running totals keep a row that a change brought back to zero; a replay never writes one.</summary>
    private static readonly Dictionary<string, string> NonZero = new()
    {
        ["order_day_totals"] = "and (orders <> 0 or gross <> 0)",
        ["first_order_days"] = "and customers <> 0",
        ["customer_periods"] = "and (orders <> 0 or revenue <> 0)",
        ["cohort_periods"] = "and (active <> 0 or revenue <> 0)",
    };

    private async Task<Dictionary<string, string>> SnapshotAsync()
    {
        var snapshot = new Dictionary<string, string>();
        foreach (var table in Tables)
        {
            await using var cmd = app.DataSource.CreateCommand(
                $"select count(*)::text || E'\\n' || coalesce(string_agg(t::text, E'\\n' order by t::text), '') from {table} t where tenant_id = $1 {NonZero.GetValueOrDefault(table)}");
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

        // Whole and per tenant (customers' facts are part of commerce now), and twice: a rebuild over a rebuild.
        foreach (var (projection, tenant) in new[] { ("commerce", (string?)null), ("commerce", app.Shop.Id), ("commerce", null), ("commerce", app.Shop.Id) })
        {
            await app.Service<ProjectionRebuilder>().RebuildAsync(projection, tenant, null, CancellationToken.None);
            var rebuilt = await SnapshotAsync();
            Assert.All(Tables, t => Assert.True(live[t] == rebuilt[t], $"{t} differs after rebuilding {projection} for {tenant ?? "all tenants"}"));
        }
    }
}

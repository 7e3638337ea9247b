using GrowHalo.Dashboard.Live;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Dashboard.Live;

public sealed class LiveFilteringTests(GrowHaloApp app) : IClassFixture<GrowHaloApp>
{
    [Fact]
    public async Task only_the_tenants_whose_events_a_projection_applied_are_reported_as_touched()
    {
        var a = await app.CreateTenantAsync("Alpha");
        var b = await app.CreateTenantAsync("Beta");
        var query = app.Service<TenantsTouchedQuery>();
        await app.WaitForProjectionsAsync();
        var before = (await query.PositionsAsync(default)).GetValueOrDefault("ingest_activity");

        await app.Service<GrowHalo.EventStore.EventStore>().AppendAsync(b.Id, [SampleEvents.ShopifyOrder(b.Id, 1, DateTimeOffset.UtcNow, 10m, "c-9")]);
        await app.WaitForProjectionsAsync();
        var after = (await query.PositionsAsync(default))["ingest_activity"];

        Assert.Equal([b.Id], await query.TouchedAsync("ingest_activity", before, after, [a.Id, b.Id], default));
        Assert.Empty(await query.TouchedAsync("ingest_activity", after, after, [a.Id, b.Id], default));
    }

    [Fact]
    public void a_change_is_published_only_to_the_streams_of_the_touched_tenant()
    {
        var live = new LiveUpdates();
        using var alpha = live.Subscribe("tn_alpha");
        using var beta = live.Subscribe("tn_beta");
        using var betaSecondTab = live.Subscribe("tn_beta");

        live.Publish(["tn_beta"]);
        live.Publish(["tn_beta"]);

        Assert.False(alpha.TryTake());
        Assert.True(beta.TryTake());
        Assert.False(beta.TryTake()); // two changes before the page looked collapse into one
        Assert.True(betaSecondTab.TryTake());
        Assert.Equal(["tn_alpha", "tn_beta"], live.WatchedTenants.Order());
    }

    [Fact]
    public void a_closed_stream_stops_being_watched()
    {
        var live = new LiveUpdates();
        var alpha = live.Subscribe("tn_alpha");
        alpha.Dispose();
        Assert.Empty(live.WatchedTenants);
    }
}

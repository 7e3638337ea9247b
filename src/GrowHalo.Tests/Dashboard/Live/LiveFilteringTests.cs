using GrowHalo.Dashboard.Live;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Dashboard.Live;

public sealed class LiveFilteringTests(GrowHaloApp app) : IClassFixture<GrowHaloApp>
{
    [Fact]
    public async Task only_the_tenants_whose_events_a_projection_applied_are_told_of_a_change()
    {
        var a = await app.CreateTenantAsync("Alpha");
        var b = await app.CreateTenantAsync("Beta");
        await app.WaitForProjectionsAsync();
        var live = app.Service<LiveUpdates>();
        using var alpha = live.Subscribe(a.Id);
        using var beta = live.Subscribe(b.Id);

        await app.Service<GrowHalo.Platform.Events.EventAppender>().AppendAsync(b.Id, [SampleEvents.ShopifyOrder(b.Id, 1, DateTimeOffset.UtcNow, 10m, "c-9")]);

        Assert.True(await beta.WaitAsync(TimeSpan.FromSeconds(20), default), "Beta's dashboard was never told its figures changed");
        await app.WaitForProjectionsAsync();
        Assert.False(alpha.TryTake()); // nothing of Alpha's was projected
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

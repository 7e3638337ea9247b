using GrowHalo.Simulator.StandIns;

namespace GrowHalo.Tests.Ingestion.Polling;

public sealed class AdPollerTests(PollingApp app) : IClassFixture<PollingApp>
{
    private int Rows(string platform) => app.World.Ads.Days(platform, app.World.FirstDay, app.World.Clock.DayOf(app.Clock.Now), app.Clock.Now).Count();

    [Fact]
    public async Task meta_insights_are_paged_day_by_day_and_a_repull_of_the_trailing_window_appends_only_restated_rows()
    {
        var (tenant, connection) = await app.ConnectAsync("meta");
        var first = await app.PollAsync(connection);

        Assert.True(first.Succeeded, first.Error);
        Assert.Equal(Rows("meta"), await app.EventsAsync(tenant.Id, "meta:campaign:"));
        Assert.True(first.Pages >= 3, $"{first.Pages} pages");

        // Later the same day: today's spend has grown; yesterday and the day before read as they did.
        var today = app.World.Clock.DayOf(app.Clock.Now);
        var earlier = app.Clock.Now;
        app.Clock.Now = earlier.AddHours(2);
        var restated = app.World.Ads.Campaigns.Where(c => c.Platform == "meta")
            .SelectMany(c => Enumerable.Range(0, 3).Select(back => (c, day: today.AddDays(-back))))
            .Count(x => app.World.Ads.Observe(x.c, x.day, earlier) != app.World.Ads.Observe(x.c, x.day, app.Clock.Now));
        try
        {
            var repull = await app.PollAsync(connection);

            Assert.True(repull.Succeeded, repull.Error);
            Assert.Equal(3, restated); // one restated row per campaign: today's
            Assert.Equal(restated, repull.Appended);
            Assert.Equal(3 * 3 - restated, repull.Duplicates); // three trailing days of three campaigns, the rest unchanged
            Assert.Equal(Rows("meta") + restated, await app.EventsAsync(tenant.Id, "meta:campaign:"));
        }
        finally
        {
            app.Clock.Now = earlier;
        }
    }

    [Fact]
    public async Task google_ads_is_pulled_by_segments_date_and_a_pass_stopped_midway_resumes_without_gap_or_double_count()
    {
        var (tenant, connection) = await app.ConnectAsync("google");
        app.StandIns.State.Faults.FailOnce(StandInApi.Google, 500, afterRequests: 2);
        app.StandIns.State.Faults.FailOnce(StandInApi.Google, 500);

        var failed = await app.PollAsync(connection);

        Assert.False(failed.Succeeded);
        Assert.Equal(2, failed.Pages);
        var afterFailure = await app.EventsAsync(tenant.Id, "google:campaign:");
        Assert.InRange(afterFailure, 1, Rows("google") - 1);

        var resumed = await app.PollAsync(connection);

        Assert.True(resumed.Succeeded, resumed.Error);
        Assert.Equal(Rows("google"), await app.EventsAsync(tenant.Id, "google:campaign:"));
        Assert.Equal(Rows("google"), failed.Appended + resumed.Appended);
    }

    [Fact]
    public async Task a_connection_whose_api_cannot_be_reached_records_its_error_and_does_not_stop_another_from_polling()
    {
        var (_, broken) = await app.ConnectAsync("shopify", baseUrl: "http://127.0.0.1:9");
        var (tenant, working) = await app.ConnectAsync("meta");

        var outcomes = await Task.WhenAll(app.PollAsync(broken), app.PollAsync(working));

        Assert.False(outcomes[0].Succeeded);
        Assert.True(outcomes[1].Succeeded, outcomes[1].Error);
        Assert.Equal(Rows("meta"), await app.EventsAsync(tenant.Id, "meta:campaign:"));
    }
}

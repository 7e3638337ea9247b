using GrowHalo.Platform.Events;

namespace GrowHalo.Tests.Platform.Events.Projections;

/// <summary>
/// Marten's daemon looks for new events every SlowPollingTime when caught up (here a minute), so an event projected
/// within seconds proves the LISTEN/NOTIFY wake-up (appends notify at commit; MartenSetup turns it on), not speed.
/// </summary>
public sealed class WakeUpTests
{
    private static readonly EventStoreOptions SlowPoll = new() { SlowPollingTime = TimeSpan.FromMinutes(1) };
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private static async Task<RunningDaemon> IdleDaemonAsync(EventStoreOptions timing)
    {
        var run = await RunningDaemon.StartAsync(async db => [await StreamTally.CreateAsync(db, "tally")], timing);
        // Set-up, not an assertion: the daemon has made its first look at the (empty) log and now sleeps.
        await Task.Delay(1000);
        return run;
    }

    private static async Task<bool> ProjectedWithinAsync(RunningDaemon run, long events, TimeSpan bound)
    {
        var tally = (StreamTally)run.Projections[0];
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            if ((await tally.RowsAsync(run.DataSource)).Sum(r => r.Events) == events) return true;
            await Task.Delay(50);
        }
        return false;
    }

    [Fact]
    public async Task an_appended_event_wakes_an_idle_daemon_long_before_its_slow_poll()
    {
        await using var run = await IdleDaemonAsync(SlowPoll);
        await run.AppendAsync("t-acme", RunningDaemon.Amount("t-acme", "shopify:order:1", 1));
        Assert.True(await ProjectedWithinAsync(run, 1, Generous), "the event was not projected within 10 s although the append notified the daemon\n" + run.Log);

        // And again, once it has gone back to sleep.
        await Task.Delay(500);
        await run.AppendAsync("t-acme", RunningDaemon.Amount("t-acme", "shopify:order:2", 2));
        Assert.True(await ProjectedWithinAsync(run, 2, Generous), "the second event was not projected within 10 s\n" + run.Log);
    }

    [Fact]
    public async Task an_event_held_up_behind_an_older_open_append_waits_for_it_and_both_are_projected_soon_after_it_commits()
    {
        await using var run = await IdleDaemonAsync(SlowPoll);
        // The older transaction draws a sequence number and keeps it uncommitted; the newer event, committed after it,
        // lies past the gap. Were the daemon to move past the gap (it is older than StaleSequenceThreshold), the older
        // event would commit below the projection's position and never be projected.
        await using var conn = await run.DataSource.OpenConnectionAsync();
        await using var older = await conn.BeginTransactionAsync();
        await run.Appender.AppendAsync(older, "t-acme", [RunningDaemon.Amount("t-acme", "shopify:order:1", 1)]);
        await run.AppendAsync("t-acme", RunningDaemon.Amount("t-acme", "shopify:order:2", 2));

        await Task.Delay(2500); // more than twice the stale-sequence threshold (1 s)
        Assert.Empty(await ((StreamTally)run.Projections[0]).RowsAsync(run.DataSource));

        await older.CommitAsync();
        Assert.True(await ProjectedWithinAsync(run, 2, Generous), "the two events were not projected within 10 s of the older append committing\n" + run.Log);
        Assert.Equal(await StreamTally.ExpectedAsync(run.DataSource), await ((StreamTally)run.Projections[0]).RowsAsync(run.DataSource));
    }

    [Fact]
    public async Task an_event_held_up_behind_a_rolled_back_append_is_projected_within_seconds()
    {
        // A rollback notifies nobody: the gap it leaves is passed over once it is older than StaleSequenceThreshold
        // and its append is gone, at the daemon's next look, which is the slow poll: with a minute-long one, this
        // waited the minute whenever the daemon had looked while the append was still open. So the server's timings
        // here (1 s threshold, 1 s slow poll): seconds.
        await using var run = await IdleDaemonAsync(new EventStoreOptions());
        await using var conn = await run.DataSource.OpenConnectionAsync();
        await using var older = await conn.BeginTransactionAsync();
        await run.Appender.AppendAsync(older, "t-acme", [RunningDaemon.Amount("t-acme", "shopify:order:1", 1)]);
        await run.AppendAsync("t-acme", RunningDaemon.Amount("t-acme", "shopify:order:2", 2));
        await older.RollbackAsync();

        Assert.True(await ProjectedWithinAsync(run, 1, Generous), "the event was not projected within 10 s of the older append rolling back\n" + run.Log);
        Assert.Equal(await StreamTally.ExpectedAsync(run.DataSource), await ((StreamTally)run.Projections[0]).RowsAsync(run.DataSource));
    }
}

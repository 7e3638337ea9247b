using GrowHalo.EventStore.Projections;
using Npgsql;

namespace GrowHalo.Tests.EventStore.Projections;

/// <summary>
/// The daemon sleeps a whole poll interval (here a minute) when nothing is new, so an event projected within seconds
/// proves the LISTEN/NOTIFY wake-up (and the quick retry for events held up by an older transaction), not speed.
/// </summary>
public sealed class WakeUpTests
{
    private static readonly ProjectionDaemonOptions SlowPoll = new() { PollInterval = TimeSpan.FromMinutes(1) };
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private static async Task<RunningDaemon> IdleDaemonAsync()
    {
        var run = await RunningDaemon.StartAsync(async db => [await StreamTally.CreateAsync(db, "tally")], SlowPoll);
        // The first batch has run (progress exists), so the daemon now waits on its minute-long poll.
        while (await run.Database.ScalarAsync("select count(*) from projection_progress") == 0) await Task.Delay(20);
        await Task.Delay(300);
        return run;
    }

    private static async Task<bool> ProjectedWithinAsync(RunningDaemon run, TimeSpan bound)
    {
        var tally = (StreamTally)run.Projections[0];
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            if ((await tally.RowsAsync(run.DataSource)).Sum(r => r.Events) == 1) return true;
            await Task.Delay(50);
        }
        return false;
    }

    [Fact]
    public async Task an_appended_event_wakes_an_idle_daemon_long_before_its_poll_interval()
    {
        await using var run = await IdleDaemonAsync();
        await run.AppendAsync("t-acme", "shopify:order:1");
        Assert.True(await ProjectedWithinAsync(run, Generous), "the event was not projected within 10 s although the daemon was notified");
    }

    [Fact]
    public async Task an_event_held_up_by_an_older_open_transaction_is_projected_soon_after_that_transaction_ends()
    {
        await using var run = await IdleDaemonAsync();
        // An older transaction with an id of its own keeps the new event below the safe horizon when the notification arrives;
        // nothing notifies when it ends, so only the daemon's quick retry of held-up events projects it.
        await using var blocker = await run.DataSource.OpenConnectionAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("select pg_current_xact_id()", blocker, tx)) await cmd.ExecuteScalarAsync();

        await run.AppendAsync("t-acme", "shopify:order:1");
        await Task.Delay(500);
        Assert.Empty(await ((StreamTally)run.Projections[0]).RowsAsync(run.DataSource));
        await tx.RollbackAsync();

        Assert.True(await ProjectedWithinAsync(run, Generous), "the event was not projected within 10 s of the older transaction ending");
    }
}

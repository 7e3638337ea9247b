using GrowHalo.EventStore.Projections;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.EventStore.Projections;

/// <summary>
/// Ownership and rebuild requests are advisory locks, which PostgreSQL keeps per database: two GrowHalo databases on
/// one server (tests, staging beside production) use the same projection names and must not see each other's.
/// </summary>
public sealed class OwnershipTests
{
    [Fact]
    public async Task a_daemon_in_another_database_is_not_reported_as_this_databases_owner()
    {
        await using var run = await RunningDaemon.StartAsync(async db => [await StreamTally.CreateAsync(db, "tally")]);
        while ((await run.StatusOfAsync("tally")).Owner is null) await Task.Delay(20);

        var other = new TestDatabase();
        await other.InitializeAsync();
        await using var _ = other.DataSource;
        var status = new ProjectionStatusQuery(other.DataSource, [new StreamTally("tally")], TimeProvider.System);
        Assert.Null((await status.GetAsync()).Single().Owner);
    }

    [Fact]
    public async Task a_rebuild_in_another_database_does_not_make_this_daemon_step_aside()
    {
        await using var run = await RunningDaemon.StartAsync(async db => [await StreamTally.CreateAsync(db, "tally")]);
        var other = new TestDatabase();
        await other.InitializeAsync();
        await using var _ = other.DataSource;
        await using var rebuildElsewhere = await ProjectionLock.RequestRebuildAsync(other.DataSource, "tally", CancellationToken.None);

        await run.AppendAsync("t-acme", "shopify:order:1");
        await run.WaitForNonStaleAsync(seconds: 15);
        Assert.Single(await ((StreamTally)run.Projections[0]).RowsAsync(run.DataSource));
    }

    [Fact]
    public async Task status_polled_without_pause_while_the_daemon_works_never_stalls_it()
    {
        await using var run = await RunningDaemon.StartAsync(async db => [await StreamTally.CreateAsync(db, "tally")],
            new ProjectionDaemonOptions { BatchSize = 10 });
        using var stop = new CancellationTokenSource();
        var pollers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await run.Status.GetAsync();
        })).ToList();

        for (var i = 0; i < 100; i++) await run.AppendAsync("t-acme", $"shopify:order:{i % 7}");
        await run.WaitForNonStaleAsync();
        await stop.CancelAsync();
        await Task.WhenAll(pollers);

        var tally = (StreamTally)run.Projections[0];
        Assert.Equal(await tally.ExpectedAsync(run.DataSource), await tally.RowsAsync(run.DataSource));
    }
}

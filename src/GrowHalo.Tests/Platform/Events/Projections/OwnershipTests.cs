using GrowHalo.Platform.Events.Projections;
using GrowHalo.Tests.Infrastructure;
using Npgsql;

namespace GrowHalo.Tests.Platform.Events.Projections;

/// <summary>
/// Which node runs the projections, as <c>projections status</c> reports it (<see cref="ProjectionStatus.Owner"/>), with
/// Marten's hot/cold election over the pool of databases: one leadership lock in the master, taken by whichever node
/// gets it first. Advisory locks are per database: two GrowHalo deployments on one server (tests, staging beside
/// production) must not see each other's.
/// </summary>
public sealed class OwnershipTests
{
    private static async Task<TestDatabase> DatabaseAsync()
    {
        var db = new TestDatabase();
        await db.InitializeAsync();
        return db;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what, int seconds = 20) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Not within {seconds} s: {what}");
    }

    /// <summary>The application name of the session holding Marten's hot/cold lock for a projection, if any.</summary>
    private static async Task<string?> LockHolderAsync(NpgsqlDataSource db, int lockId)
    {
        await using var cmd = db.CreateCommand("""
            select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted and l.objsubid = 1 and ((l.classid::bigint << 32) | l.objid::bigint) = $1
              and l.database = (select oid from pg_database where datname = current_database())
            """);
        cmd.Parameters.Add(new() { Value = (long)lockId });
        return (string?)await cmd.ExecuteScalarAsync();
    }

    [Fact]
    public async Task a_daemon_in_another_database_is_not_reported_as_this_databases_owner()
    {
        await using var db = await DatabaseAsync();
        var tally = await StreamTally.CreateAsync(db.DataSource, "tally");
        await using var node = await HotColdNode.StartAsync(db.ConnectionString, "growhalo:node-a", [tally]);
        var status = new ProjectionStatusQuery(Databases.Of(db.DataSource), [tally], TimeProvider.System);
        await WaitForAsync(async () => (await status.GetAsync()).Single().Owner, "the node takes the projection");

        await using var other = await DatabaseAsync();
        var elsewhere = new ProjectionStatusQuery(Databases.Of(other.DataSource), [new StreamTally("tally")], TimeProvider.System);
        Assert.Null((await elsewhere.GetAsync()).Single().Owner);
    }

    [Fact]
    public async Task every_projection_is_reported_owned_by_the_node_that_holds_the_leadership_and_a_waiting_node_takes_over()
    {
        // Over the pool of databases Marten elects one leader (its lock in the master) that runs every projection. Another
        // node is played by a session named as a server's are, holding that lock first: the node in this test waits.
        await using var db = await DatabaseAsync();
        var first = await StreamTally.CreateAsync(db.DataSource, "first");
        var second = await StreamTally.CreateAsync(db.DataSource, "second");
        var leadership = GrowHalo.Platform.Events.MartenSetup.DaemonLockId;

        await using var otherNode = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.ConnectionString) { ApplicationName = "growhalo:other-node" }.ConnectionString);
        await otherNode.OpenAsync();
        await using (var take = new NpgsqlCommand("select pg_advisory_lock($1::bigint)", otherNode) { Parameters = { new() { Value = (long)leadership } } })
            await take.ExecuteNonQueryAsync();

        await using var node = await HotColdNode.StartAsync(db.ConnectionString, "growhalo:node-a", [first, second]);
        var status = new ProjectionStatusQuery(Databases.Of(db.DataSource), [first, second], TimeProvider.System);
        await Task.Delay(1500); // three of node-a's leadership polls: it must not run anything meanwhile
        Assert.All(await status.GetAsync(), s => Assert.Equal("growhalo:other-node", s.Owner));

        // The leader goes away: node-a takes every projection at its next poll.
        await using (var release = new NpgsqlCommand("select pg_advisory_unlock($1::bigint)", otherNode) { Parameters = { new() { Value = (long)leadership } } })
            await release.ExecuteNonQueryAsync();
        await WaitForAsync(async () => await LockHolderAsync(db.DataSource, leadership) == "growhalo:node-a" ? "" : null, "node-a takes the leadership");
        Assert.All(await status.GetAsync(), s => Assert.Equal("growhalo:node-a", s.Owner));
    }

    [Fact]
    public async Task a_rebuild_in_progress_is_not_reported_as_the_owner_when_no_daemon_runs()
    {
        // `growhalo projections rebuild` names its connections as the server does and holds an advisory lock of its
        // own for the whole replay; no server runs here, so no process runs the projection.
        await using var db = await DatabaseAsync();
        var tally = await StreamTally.CreateAsync(db.DataSource, "tally");
        await using var cli = new NpgsqlDataSourceBuilder(
            new NpgsqlConnectionStringBuilder(db.ConnectionString) { ApplicationName = "growhalo:rebuild-cli" }.ConnectionString).Build();
        var gated = new GatedProjection(tally);
        var rebuild = Task.Run(() => new ProjectionRebuilder(db.Store, Databases.Of(cli, db.Store), [gated], new ProjectionFailures(
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ProjectionFailures>.Instance)).RebuildAsync("tally", null, null, CancellationToken.None));
        await gated.Resetting.WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            var owner = (await new ProjectionStatusQuery(Databases.Of(db.DataSource), [tally], TimeProvider.System).GetAsync()).Single().Owner;
            Assert.True(owner is null, $"status reports {owner} as the owner of a projection no daemon runs (a rebuild is in progress)");
        }
        finally
        {
            gated.Open();
            await rebuild.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task a_rebuild_in_another_database_does_not_hold_up_this_daemon()
    {
        await using var run = await RunningDaemon.StartAsync(async db => [await StreamTally.CreateAsync(db, "tally")]);

        // A rebuild of a projection of the same name, in another database, stays in progress (holding its lock).
        await using var other = await DatabaseAsync();
        var gated = new GatedProjection(await StreamTally.CreateAsync(other.DataSource, "tally"));
        var rebuilder = new ProjectionRebuilder(other.Store, Databases.Of(other.DataSource, other.Store), [gated], run.Failures);
        var rebuild = Task.Run(() => rebuilder.RebuildAsync("tally", null, null, CancellationToken.None));
        await gated.Resetting.WaitAsync(TimeSpan.FromSeconds(30));

        await run.AppendAsync("t-acme", RunningDaemon.Amount("t-acme", "shopify:order:1", 1));
        await run.WaitForNonStaleAsync(seconds: 15);
        Assert.Single(await ((StreamTally)run.Projections[0]).RowsAsync(run.DataSource));
        Assert.False(rebuild.IsCompleted);

        gated.Open();
        await rebuild.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task status_polled_without_pause_while_the_daemon_works_never_stalls_it()
    {
        await using var run = await RunningDaemon.StartAsync(async db => [await StreamTally.CreateAsync(db, "tally", batchSize: 10)]);
        using var stop = new CancellationTokenSource();
        var pollers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await run.Status.GetAsync();
        })).ToList();

        for (var i = 0; i < 100; i++) await run.AppendAsync("t-acme", RunningDaemon.Amount("t-acme", $"shopify:order:{i % 7}", i));
        await run.WaitForNonStaleAsync();
        await stop.CancelAsync();
        await Task.WhenAll(pollers);

        var tally = (StreamTally)run.Projections[0];
        Assert.Equal(await StreamTally.ExpectedAsync(run.DataSource), await tally.RowsAsync(run.DataSource));
    }

    /// <summary>A store configured as the nodes' are, to compute Marten's lock ids; it runs nothing.</summary>
    private static Marten.DocumentStore MartenSetupProbe(TestDatabase db, ISqlProjection[] projections) =>
        GrowHalo.Platform.Events.MartenSetup.CreateStore(db.DataSource, projections);
}

namespace GrowHalo.Tests.Platform.Events.Projections;

/// <summary>
/// <c>growhalo projections rebuild</c> (ProjectionRebuilder, our own replay beside Marten's daemon), whole or per
/// tenant, while the daemon runs: it reproduces the live rows and hands the projection back to the daemon.
/// </summary>
public sealed class RebuildTests
{
    private static readonly string[] Tenants = ["t-acme", "t-bolt", "t-cove"];

    private static async Task AppendSomeAsync(RunningDaemon run, int perTenant, int seed)
    {
        var random = new Random(seed);
        foreach (var tenant in Tenants)
            await run.AppendAsync(tenant, [.. Enumerable.Range(0, perTenant).Select(_ =>
                RunningDaemon.Amount(tenant, $"shopify:order:{random.Next(20)}", random.Next(100)))]);
    }

    /// <summary>Keeps appending small batches until stopped, so rebuilds race with live appends.</summary>
    private static async Task KeepAppendingAsync(RunningDaemon run, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            await AppendSomeAsync(run, 3, 1000 + i);
            await Task.Delay(10, CancellationToken.None);
        }
    }

    [Fact]
    public async Task full_and_tenant_rebuilds_during_live_appends_give_exactly_the_rows_the_daemon_keeps()
    {
        await using var run = await RunningDaemon.StartAsync(async db => [await StreamTally.CreateAsync(db, "tally")]);
        var tally = (StreamTally)run.Projections[0];
        await AppendSomeAsync(run, 1500, seed: 1);
        await run.WaitForNonStaleAsync();
        Assert.Equal(await StreamTally.ExpectedAsync(run.DataSource), await tally.RowsAsync(run.DataSource));

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() => KeepAppendingAsync(run, stop.Token));
        await run.Rebuilder.RebuildAsync("tally", null, null, CancellationToken.None);
        await run.Rebuilder.RebuildAsync("tally", "t-bolt", null, CancellationToken.None);
        await run.Rebuilder.RebuildAsync(null, "t-cove", null, CancellationToken.None);
        await stop.CancelAsync();
        await writer;

        // Hand-back: the daemon goes on with what was appended during and after the rebuilds.
        await AppendSomeAsync(run, 5, seed: 2);
        await run.WaitForNonStaleAsync();
        Assert.Equal(await StreamTally.ExpectedAsync(run.DataSource), await tally.RowsAsync(run.DataSource));
    }

    [Fact]
    public async Task rebuilds_while_an_append_is_left_open_neither_skip_nor_double_it_once_it_commits()
    {
        await using var run = await RunningDaemon.StartAsync(async db => [await StreamTally.CreateAsync(db, "tally")]);
        var tally = (StreamTally)run.Projections[0];
        await AppendSomeAsync(run, 20, seed: 4);
        await run.WaitForNonStaleAsync();

        // An append holds a sequence number uncommitted while later ones commit: a rebuild that replayed "up to the
        // end of the log" would leave the projection past it, and its event, committed later, would never count.
        await using var conn = await run.DataSource.OpenConnectionAsync();
        await using var open = await conn.BeginTransactionAsync();
        await run.Appender.AppendAsync(open, "t-acme", [RunningDaemon.Amount("t-acme", "shopify:order:99", 1)]);
        await AppendSomeAsync(run, 20, seed: 5);

        var processed = 0L;
        await run.Rebuilder.RebuildAsync("tally", null, new InlineProgress(p => processed = p.Processed), CancellationToken.None);
        Assert.True(processed >= 60, $"the rebuild replayed {processed} events; at least the 60 committed before the open append are due");
        await run.Rebuilder.RebuildAsync("tally", "t-acme", null, CancellationToken.None);
        await open.CommitAsync();

        await run.WaitForNonStaleAsync();
        Assert.Equal(121, (await tally.RowsAsync(run.DataSource)).Sum(r => r.Events));
        Assert.Equal(await StreamTally.ExpectedAsync(run.DataSource), await tally.RowsAsync(run.DataSource));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("t-acme")]
    public async Task a_rebuild_holds_up_the_daemon_until_it_ends_and_the_daemon_goes_on_from_there(string? tenant)
    {
        await using var run = await RunningDaemon.StartAsync(async db => [await StreamTally.CreateAsync(db, "tally")]);
        var tally = (StreamTally)run.Projections[0];
        await AppendSomeAsync(run, 30, seed: 6);
        await run.WaitForNonStaleAsync();

        // The same projection through a rebuilder whose reset waits at a gate: the rebuild has taken the progress
        // row and the projection's lock, and stays there.
        var gated = new GatedProjection(tally);
        var rebuilder = new GrowHalo.Platform.Events.Projections.ProjectionRebuilder(run.Store, GrowHalo.Tests.Infrastructure.Databases.Of(run.DataSource, run.Store), [gated], run.Failures);
        var rebuild = Task.Run(() => rebuilder.RebuildAsync("tally", tenant, null, CancellationToken.None));
        await gated.Resetting.WaitAsync(TimeSpan.FromSeconds(30));

        await AppendSomeAsync(run, 2, seed: 7);
        await Task.Delay(1500); // the daemon's next page is due within a poll; it must wait for the rebuild
        Assert.Equal(90, (await tally.RowsAsync(run.DataSource)).Sum(r => r.Events));
        Assert.False(rebuild.IsCompleted);

        gated.Open();
        await rebuild.WaitAsync(TimeSpan.FromSeconds(30));
        await run.WaitForNonStaleAsync();
        Assert.Equal(await StreamTally.ExpectedAsync(run.DataSource), await tally.RowsAsync(run.DataSource));
        Assert.Equal(96, (await tally.RowsAsync(run.DataSource)).Sum(r => r.Events));
    }

    [Fact]
    public async Task a_tenant_rebuild_restores_that_tenants_rows_and_leaves_other_tenants_rows_untouched()
    {
        await using var run = await RunningDaemon.StartAsync(async db => [await StreamTally.CreateAsync(db, "tally")]);
        var tally = (StreamTally)run.Projections[0];
        await AppendSomeAsync(run, 200, seed: 3);
        await run.WaitForNonStaleAsync();
        var live = await tally.RowsAsync(run.DataSource);

        // Damage every tenant's rows; a rebuild of t-acme must repair t-acme's and leave the others' damage as it is.
        await run.Database.ScalarAsync("update tally_tally set events = events + 1000");
        var damaged = await tally.RowsAsync(run.DataSource);
        await run.Rebuilder.RebuildAsync("tally", "t-acme", null, CancellationToken.None);

        var after = await tally.RowsAsync(run.DataSource);
        Assert.Equal(live.Where(r => r.Tenant == "t-acme"), after.Where(r => r.Tenant == "t-acme"));
        Assert.Equal(damaged.Where(r => r.Tenant != "t-acme"), after.Where(r => r.Tenant != "t-acme"));

        await run.Rebuilder.RebuildAsync("tally", null, null, CancellationToken.None);
        Assert.Equal(live, await tally.RowsAsync(run.DataSource));
    }

    [Fact]
    public async Task a_tenant_rebuild_records_a_poison_event_and_rebuilds_the_rest()
    {
        await using var run = await RunningDaemon.StartAsync(async db => [await PickyProjection.CreateAsync(db, "picky")]);
        var picky = (PickyProjection)run.Projections[0];
        var appended = await run.SequencesOfAsync(await run.AppendAsync("t-acme",
            [.. Enumerable.Range(1, 6).Select(i => RunningDaemon.Amount("t-acme", $"shopify:order:{i}", i == 3 ? -1 : i))]));
        await run.WaitForNonStaleAsync();
        var live = await picky.SequencesAsync(run.DataSource);
        Assert.Equal(5, live.Count);

        await run.Rebuilder.RebuildAsync("picky", "t-acme", null, CancellationToken.None);

        Assert.Equal(live, await picky.SequencesAsync(run.DataSource));
        var status = await run.StatusOfAsync("picky");
        Assert.Equal(1, status.Failures);
        Assert.Contains("violates check constraint", status.LastFailure);
        Assert.Equal([appended[2]], await run.FailedSequencesAsync("picky"));
        Assert.DoesNotContain(appended[2], live);
    }

    [Fact]
    public async Task an_unknown_projection_name_is_refused_with_the_known_names()
    {
        await using var run = await RunningDaemon.StartAsync(async db =>
            [await StreamTally.CreateAsync(db, "tally"), await PickyProjection.CreateAsync(db, "picky")]);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => run.Rebuilder.RebuildAsync("nope", null, null, CancellationToken.None));
        Assert.Contains("'nope'", error.Message);
        Assert.Contains("tally", error.Message);
        Assert.Contains("picky", error.Message);
    }
}

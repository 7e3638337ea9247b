using GrowHalo.EventStore;
using Npgsql;

namespace GrowHalo.Tests.EventStore.Projections;

/// <summary>Rebuilds, whole or per tenant, while the daemon runs: they reproduce the live rows and hand back.</summary>
public sealed class RebuildTests
{
    private static readonly string[] Tenants = ["t-acme", "t-bolt", "t-cove"];

    private static async Task AppendSomeAsync(RunningDaemon run, int perTenant, int seed)
    {
        var random = new Random(seed);
        foreach (var tenant in Tenants)
            await run.Store.AppendAsync(tenant, [.. Enumerable.Range(0, perTenant).Select(_ =>
                NewEvent.Create(tenant, $"shopify:order:{random.Next(20)}", Guid.NewGuid().ToString(), "order_seen", new { amount = random.Next(100) }))]);
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
        Assert.Equal(await tally.ExpectedAsync(run.DataSource), await tally.RowsAsync(run.DataSource));

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() => KeepAppendingAsync(run, stop.Token));
        await run.Rebuilder.RebuildAsync("tally", null, null, CancellationToken.None);
        await run.Rebuilder.RebuildAsync("tally", "t-bolt", null, CancellationToken.None);
        await run.Rebuilder.RebuildAsync(null, "t-cove", null, CancellationToken.None);
        await stop.CancelAsync();
        await writer;

        // Hand-back: the daemon owns the projection again and applies what was appended during and after the rebuilds.
        await AppendSomeAsync(run, 5, seed: 2);
        await run.WaitForNonStaleAsync();
        Assert.Equal(await tally.ExpectedAsync(run.DataSource), await tally.RowsAsync(run.DataSource));
    }

    [Fact]
    public async Task a_rebuild_waits_for_events_held_up_behind_an_open_transaction_instead_of_stopping_short()
    {
        await using var run = await RunningDaemon.StartAsync(async db => [await StreamTally.CreateAsync(db, "tally")]);
        var tally = (StreamTally)run.Projections[0];
        // A transaction with an id, left open: the events committed after it cannot be read until it ends.
        await using var blocker = await run.DataSource.OpenConnectionAsync();
        await using var open = await blocker.BeginTransactionAsync();
        await using (var xid = new NpgsqlCommand("select pg_current_xact_id()", blocker, open)) await xid.ExecuteScalarAsync();
        await AppendSomeAsync(run, 20, seed: 4);

        var processed = 0L;
        var rebuild = run.Rebuilder.RebuildAsync("tally", null, new InlineProgress(p => processed = p.Processed), CancellationToken.None);
        await Task.Delay(500);
        Assert.False(rebuild.IsCompleted, $"the rebuild finished, at {processed} events, while the 60 it must replay were unreadable");
        await open.RollbackAsync();
        await rebuild.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(60, processed);
        Assert.Equal(await tally.ExpectedAsync(run.DataSource), await tally.RowsAsync(run.DataSource));
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
        var appended = await run.Store.AppendAsync("t-acme", [.. Enumerable.Range(1, 6).Select(i =>
            NewEvent.Create("t-acme", $"shopify:order:{i}", $"k{i}", "order_seen", new { amount = i == 3 ? -1 : i }))]);
        await run.WaitForNonStaleAsync();
        var live = await picky.SequencesAsync(run.DataSource);
        Assert.Equal(5, live.Count);

        await run.Rebuilder.RebuildAsync("picky", "t-acme", null, CancellationToken.None);

        Assert.Equal(live, await picky.SequencesAsync(run.DataSource));
        var status = await run.StatusOfAsync("picky");
        Assert.Equal(1, status.Failures);
        Assert.Contains("violates check constraint", status.LastFailure);
        Assert.DoesNotContain(appended.Events[2].Sequence!.Value, live);
    }

    [Fact]
    public async Task an_unknown_projection_name_is_refused_with_the_known_names()
    {
        await using var run = await RunningDaemon.StartAsync(async db => [await StreamTally.CreateAsync(db, "tally")]);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => run.Rebuilder.RebuildAsync("nope", null, null, CancellationToken.None));
        Assert.Contains("'nope'", error.Message);
        Assert.Contains("tally", error.Message);
    }
}

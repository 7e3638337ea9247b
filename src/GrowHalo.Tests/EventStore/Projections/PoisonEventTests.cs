using GrowHalo.EventStore;

namespace GrowHalo.Tests.EventStore.Projections;

/// <summary>An event one projection cannot apply is recorded and passed over; it holds up neither that projection nor others.</summary>
public sealed class PoisonEventTests
{
    private static NewEvent Amount(string tenant, int order, int amount) =>
        NewEvent.Create(tenant, $"shopify:order:{order}", Guid.NewGuid().ToString(), "order_seen", new { amount });

    [Fact]
    public async Task a_projection_that_fails_on_one_event_records_it_passes_over_it_and_does_not_stall_another()
    {
        await using var run = await RunningDaemon.StartAsync(async db =>
            [await PickyProjection.CreateAsync(db, "picky"), await StreamTally.CreateAsync(db, "steady")]);
        var (picky, steady) = ((PickyProjection)run.Projections[0], (StreamTally)run.Projections[1]);
        const string tenant = "t-acme";

        // One append of ten: the poison event sits in the middle of what the daemon reads as one batch.
        var first = await run.Store.AppendAsync(tenant, [.. Enumerable.Range(1, 10).Select(i => Amount(tenant, i, i == 5 ? -1 : i))]);
        var poison = first.Events[4].Sequence!.Value;
        await run.WaitForNonStaleAsync();

        Assert.Equal(await steady.ExpectedAsync(run.DataSource), await steady.RowsAsync(run.DataSource));
        Assert.Equal(first.Events.Select(e => e.Sequence!.Value).Where(s => s != poison), await picky.SequencesAsync(run.DataSource));
        var status = await run.StatusOfAsync("picky");
        Assert.Equal(1, status.Failures);
        Assert.Contains("violates check constraint", status.LastFailure);
        Assert.Equal(0, (await run.StatusOfAsync("steady")).Failures);

        // Events after the poison one are still applied.
        var later = await run.Store.AppendAsync(tenant, [Amount(tenant, 11, 11), Amount(tenant, 12, 12)]);
        await run.WaitForNonStaleAsync();
        var applied = await picky.SequencesAsync(run.DataSource);
        Assert.Equal(11, applied.Count);
        Assert.Contains(later.Events[1].Sequence!.Value, applied);
        Assert.Equal(1, (await run.StatusOfAsync("picky")).Failures);
        Assert.Equal(12, (await steady.RowsAsync(run.DataSource)).Sum(r => r.Events));
    }

    [Fact]
    public async Task a_reducing_projection_gets_pages_without_bodies_and_passes_over_events_its_reducer_or_the_database_refuses()
    {
        await using var run = await RunningDaemon.StartAsync(async db => [await PickyProjection.CreateAsync(db, "reducing", reduces: true)]);
        var picky = (PickyProjection)run.Projections[0];
        const string tenant = "t-acme";

        // Event 3's amount is no number (its reducer throws); event 7's is negative (the database refuses it).
        static NewEvent Odd(string tenant, int i) => i == 3
            ? NewEvent.Create(tenant, $"shopify:order:{i}", Guid.NewGuid().ToString(), "order_seen", new { amount = "lots" })
            : Amount(tenant, i, i == 7 ? -1 : i);
        var first = await run.Store.AppendAsync(tenant, [.. Enumerable.Range(1, 10).Select(i => Odd(tenant, i))]);
        var refused = new[] { first.Events[2].Sequence!.Value, first.Events[6].Sequence!.Value };
        var expected = first.Events.Select(e => e.Sequence!.Value).Except(refused).ToList();
        await run.WaitForNonStaleAsync();

        Assert.Equal(expected, await picky.SequencesAsync(run.DataSource));
        var status = await run.StatusOfAsync("reducing");
        Assert.Equal(2, status.Failures);

        // A page read in one piece is applied in one piece, from its reduction, without its bodies.
        var later = await run.Store.AppendAsync(tenant, [.. Enumerable.Range(11, 20).Select(i => Amount(tenant, i, i))]);
        await run.WaitForNonStaleAsync();
        expected.AddRange(later.Events.Select(e => e.Sequence!.Value));
        Assert.Equal(expected, await picky.SequencesAsync(run.DataSource));
        Assert.Equal(0, picky.BodiesSeenInReducedPages);

        // A tenant rebuild (one transaction, savepoints for the retries) and a whole one come to the same rows and failures.
        await run.Rebuilder.RebuildAsync("reducing", tenant, null, CancellationToken.None);
        Assert.Equal(expected, await picky.SequencesAsync(run.DataSource));
        Assert.Equal(2, (await run.StatusOfAsync("reducing")).Failures);
        await run.Rebuilder.RebuildAsync("reducing", null, null, CancellationToken.None);
        Assert.Equal(expected, await picky.SequencesAsync(run.DataSource));
        Assert.Equal(2, (await run.StatusOfAsync("reducing")).Failures);
        Assert.Equal(0, picky.BodiesSeenInReducedPages);
    }

    [Fact]
    public async Task a_projection_that_reads_no_events_is_given_ranges_that_cover_each_event_once_and_passes_over_the_one_the_database_refuses()
    {
        await using var run = await RunningDaemon.StartAsync(async db => [await PickyProjection.CreateAsync(db, "ranges", inSql: true)]);
        var picky = (PickyProjection)run.Projections[0];

        // Two tenants interleaved, so that a tenant's range also spans the other's events; acme's fifth is poison.
        var appended = new List<long>();
        long poison = 0;
        for (var i = 1; i <= 10; i++)
            foreach (var tenant in new[] { "t-acme", "t-bolt" })
            {
                var result = await run.Store.AppendAsync(tenant, [Amount(tenant, i, tenant == "t-acme" && i == 5 ? -1 : i), Amount(tenant, 100 + i, i)]);
                var sequences = result.Events.Select(e => e.Sequence!.Value).ToList();
                if (tenant == "t-acme" && i == 5) poison = sequences[0];
                appended.AddRange(sequences);
            }
        var expected = appended.Where(s => s != poison).Order().ToList();
        await run.WaitForNonStaleAsync();

        Assert.Equal(expected, await picky.SequencesAsync(run.DataSource));
        Assert.Equal([poison], await FailedSequencesAsync(run, "ranges"));

        // A tenant rebuild replays that tenant's events alone (the other's rows, in the same ranges, are not copied
        // again: they would collide); a whole rebuild comes to the same rows and failure.
        await run.Rebuilder.RebuildAsync("ranges", "t-acme", null, CancellationToken.None);
        Assert.Equal(expected, await picky.SequencesAsync(run.DataSource));
        Assert.Equal([poison], await FailedSequencesAsync(run, "ranges"));
        await run.Rebuilder.RebuildAsync("ranges", null, null, CancellationToken.None);
        Assert.Equal(expected, await picky.SequencesAsync(run.DataSource));
        Assert.Equal([poison], await FailedSequencesAsync(run, "ranges"));
    }

    private static async Task<List<long>> FailedSequencesAsync(RunningDaemon run, string projection)
    {
        await using var cmd = run.DataSource.CreateCommand("select seq_id from projection_failures where projection = $1 order by seq_id");
        cmd.Parameters.Add(new() { Value = projection });
        var list = new List<long>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) list.Add(reader.GetInt64(0));
        return list;
    }
}

namespace GrowHalo.Tests.Platform.Events.Projections;

/// <summary>
/// An event one projection cannot apply is recorded in projection_failures and passed over; it holds up neither that
/// projection nor others. Marten's daemon hands the page to the projection in its own transaction; ProjectionRun
/// retries a refused page event by event under savepoints.
/// </summary>
public sealed class PoisonEventTests
{
    [Fact]
    public async Task a_projection_that_fails_on_one_event_records_it_passes_over_it_and_does_not_stall_another()
    {
        await using var run = await RunningDaemon.StartAsync(async db =>
            [await PickyProjection.CreateAsync(db, "picky"), await StreamTally.CreateAsync(db, "steady")]);
        var (picky, steady) = ((PickyProjection)run.Projections[0], (StreamTally)run.Projections[1]);
        const string tenant = "t-acme";

        // One append of ten: the poison event sits in the middle of what the daemon reads as one page (the appender
        // orders streams by name, so sequence numbers do not follow the list: compare them sorted).
        var first = await run.SequencesOfAsync(await run.AppendAsync(tenant,
            [.. Enumerable.Range(1, 10).Select(i => RunningDaemon.Amount(tenant, $"shopify:order:{i}", i == 5 ? -1 : i))]));
        var poison = first[4];
        await run.WaitForNonStaleAsync();

        Assert.Equal(await StreamTally.ExpectedAsync(run.DataSource), await steady.RowsAsync(run.DataSource));
        Assert.Equal(first.Where(s => s != poison).Order(), await picky.SequencesAsync(run.DataSource));
        var status = await run.StatusOfAsync("picky");
        Assert.Equal(1, status.Failures);
        Assert.Contains("violates check constraint", status.LastFailure);
        Assert.Equal([poison], await run.FailedSequencesAsync("picky"));
        Assert.Equal(0, (await run.StatusOfAsync("steady")).Failures);

        // Events after the poison one are still applied.
        var later = await run.SequencesOfAsync(await run.AppendAsync(tenant,
            RunningDaemon.Amount(tenant, "shopify:order:11", 11), RunningDaemon.Amount(tenant, "shopify:order:12", 12)));
        await run.WaitForNonStaleAsync();
        var applied = await picky.SequencesAsync(run.DataSource);
        Assert.Equal(11, applied.Count);
        Assert.Contains(later[1], applied);
        Assert.Equal(1, (await run.StatusOfAsync("picky")).Failures);
        Assert.Equal(12, (await steady.RowsAsync(run.DataSource)).Sum(r => r.Events));
        Assert.Equal(await StreamTally.ExpectedAsync(run.DataSource), await steady.RowsAsync(run.DataSource));
    }

    [Fact]
    public async Task events_refused_by_the_projections_code_or_by_the_database_among_interleaved_tenants_are_passed_over_alike_by_the_daemon_and_by_rebuilds()
    {
        await using var run = await RunningDaemon.StartAsync(async db => [await PickyProjection.CreateAsync(db, "picky")]);
        var picky = (PickyProjection)run.Projections[0];

        // Two tenants interleaved, so a page holds both; acme's third amount is no number (the projection's code
        // throws on it) and bolt's fifth is negative (the database refuses it).
        var appended = new List<long>();
        var refused = new List<long>();
        for (var i = 1; i <= 8; i++)
            foreach (var tenant in new[] { "t-acme", "t-bolt" })
            {
                object amount = (tenant, i) switch { ("t-acme", 3) => "lots", ("t-bolt", 5) => -1, _ => i };
                var sequences = await run.SequencesOfAsync(await run.AppendAsync(tenant,
                    RunningDaemon.Amount(tenant, $"shopify:order:{i}", amount), RunningDaemon.Amount(tenant, $"shopify:order:{100 + i}", i)));
                if (amount is not int) refused.Add(sequences[0]);
                else if ((int)amount < 0) refused.Add(sequences[0]);
                appended.AddRange(sequences);
            }
        var expected = appended.Except(refused).Order().ToList();
        await run.WaitForNonStaleAsync();

        Assert.Equal(expected, await picky.SequencesAsync(run.DataSource));
        Assert.Equal(refused.Order(), await run.FailedSequencesAsync("picky"));

        // A tenant rebuild replays that tenant's events alone (the other's rows would collide on the primary key);
        // a whole rebuild comes to the same rows and failures.
        await run.Rebuilder.RebuildAsync("picky", "t-acme", null, CancellationToken.None);
        Assert.Equal(expected, await picky.SequencesAsync(run.DataSource));
        Assert.Equal(refused.Order(), await run.FailedSequencesAsync("picky"));
        await run.Rebuilder.RebuildAsync("picky", null, null, CancellationToken.None);
        Assert.Equal(expected, await picky.SequencesAsync(run.DataSource));
        Assert.Equal(refused.Order(), await run.FailedSequencesAsync("picky"));

        // And the daemon goes on from where the rebuild left it.
        var later = await run.SequencesOfAsync(await run.AppendAsync("t-bolt", RunningDaemon.Amount("t-bolt", "shopify:order:9", 9)));
        await run.WaitForNonStaleAsync();
        Assert.Equal([.. expected, .. later], await picky.SequencesAsync(run.DataSource));
    }
}

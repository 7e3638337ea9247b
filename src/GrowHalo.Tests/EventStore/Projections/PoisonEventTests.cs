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
}

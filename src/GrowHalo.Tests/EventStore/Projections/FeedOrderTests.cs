using GrowHalo.EventStore.Projections;

namespace GrowHalo.Tests.EventStore.Projections;

public sealed class FeedOrderTests
{
    [Fact]
    public async Task events_are_read_in_transaction_order_when_transaction_ids_gain_a_digit()
    {
        // Transaction ids 9, 10, 100 sort the other way round as text ('10' < '100' < '9'): a feed that ordered by a
        // text copy of tx_id would, one event per batch, move past 100 and never read 9. They are long finished ids,
        // below any live transaction, as events of a database that has run for a while would be.
        await using var run = await RunningDaemon.StartAsync(async db =>
        {
            await using var cmd = db.CreateCommand("""
                insert into events (id, tenant_id, stream_id, version, type, data, tx_id)
                select gen_random_uuid(), 't-acme', 'shopify:order:' || x, 1, 'order_seen', '{}', x::text::xid8
                from unnest(array[100, 9, 10]) x
                """);
            await cmd.ExecuteNonQueryAsync();
            return [await StreamTally.CreateAsync(db, "tally")];
        }, new ProjectionDaemonOptions { BatchSize = 1 });
        await run.WaitForNonStaleAsync();

        var tally = (StreamTally)run.Projections[0];
        Assert.Equal(await tally.ExpectedAsync(run.DataSource), await tally.RowsAsync(run.DataSource));
        Assert.Equal(3, (await tally.RowsAsync(run.DataSource)).Sum(r => r.Events));
    }
}

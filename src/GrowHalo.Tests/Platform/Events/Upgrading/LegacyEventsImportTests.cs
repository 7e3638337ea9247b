using GrowHalo.Ingestion;
using GrowHalo.Platform.Events;
using GrowHalo.Tests.Infrastructure;
using Marten;

namespace GrowHalo.Tests.Platform.Events.Upgrading;

/// <summary>A database from before Marten keeps every event it acknowledged: the first migration on Marten copies them over.</summary>
public sealed class LegacyEventsImportTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private async Task ExecAsync(string sql, params object[] args)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(new() { Value = a });
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>An event as the old store wrote it: its body and metadata as json, in its own transaction.</summary>
    private async Task OldEventAsync(string tenant, string stream, long version, long orderId)
    {
        await ExecAsync("""
            insert into events (id, tenant_id, stream_id, version, type, data, metadata)
            values (gen_random_uuid(), $1, $2, $3, 'shopify_order_received',
                    json_build_object('source', 'shopify', 'channel', 'batch', 'topic', null, 'received_at', '2026-11-01T10:00:00Z',
                                      'connection_id', null, 'payload', json_build_object('id', $4::bigint, 'total_price', '12.50')),
                    json_build_object('channel', 'batch'))
            """, tenant, stream, version, orderId);
        await ExecAsync("""
            insert into streams (tenant_id, id, version) values ($1, $2, $3)
            on conflict (tenant_id, id) do update set version = excluded.version
            """, tenant, stream, version);
    }

    [Fact]
    public async Task the_events_of_the_old_store_are_copied_once_in_order_and_each_projection_goes_on_from_where_it_stood()
    {
        var tenant = "tn_old_" + Guid.NewGuid().ToString("N")[..8];
        await OldEventAsync(tenant, "shopify:order:1", 1, 1);
        await OldEventAsync(tenant, "shopify:order:2", 1, 2);
        await OldEventAsync(tenant, "shopify:order:1", 2, 1);
        // The old daemon had applied the first two events.
        await ExecAsync("""
            insert into projection_progress (name, tx_id, seq_id)
            select 'commerce', tx_id, seq_id from events where tenant_id = $1 order by tx_id, seq_id offset 1 limit 1
            on conflict (name) do update set tx_id = excluded.tx_id, seq_id = excluded.seq_id
            """, tenant);

        var schema = new EventStoreSchema(db.Store, db.DataSource);
        await schema.ApplyAsync(default);
        await schema.ApplyAsync(default); // a second start copies nothing again

        Assert.Equal(3, await db.ScalarAsync("select count(*) from mt_events where tenant_id = $1 and type <> 'tombstone'", tenant));
        Assert.Equal(2, await db.ScalarAsync("select version from mt_streams where tenant_id = $1 and id = 'shopify:order:1'", tenant));
        var second = await db.ScalarAsync("""
            select seq_id from mt_events where tenant_id = $1 order by seq_id offset 1 limit 1
            """, tenant);
        Assert.Equal(second, await db.ScalarAsync("select last_seq_id from mt_event_progression where name = 'commerce:All'"));

        // Marten reads them back as the events they were, and appends go on from their versions.
        await using (var session = db.Store.QuerySession(tenant))
        {
            var stream = await session.Events.FetchStreamAsync("shopify:order:1");
            Assert.Equal([1L, 2L], stream.Select(e => e.Version));
            var order = Assert.IsType<ShopifyOrderReceived>(stream[0].Data);
            Assert.Equal(1, order.Payload.GetProperty("id").GetInt64());
        }
        var next = GrowHalo.Tests.Modeling.SourceRecords.Event(tenant, "shopify:order:1", "order:1:v3", SourceEventTypes.ShopifyOrder,
            System.Text.Json.JsonSerializer.SerializeToElement(new { id = 1 }));
        Assert.Equal(1, (await db.Appender.AppendAsync(tenant, [next])).Appended);
        Assert.Equal(3, await db.ScalarAsync("select max(version) from mt_events where tenant_id = $1 and stream_id = 'shopify:order:1'", tenant));
    }
}

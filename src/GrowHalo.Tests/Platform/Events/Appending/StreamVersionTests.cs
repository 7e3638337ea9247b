using GrowHalo.Platform.Events;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Platform.Events.Appending;

/// <summary>
/// Per-stream versions stay gap-free whatever mix an append brings: new and existing streams, several events of one
/// stream, duplicates, and appends racing to create the same stream.
/// </summary>
public sealed class StreamVersionTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private EventAppender Store => db.Appender;

    /// <summary>A record version of a stream; its idempotency key is the stream and <paramref name="key"/>.</summary>
    private static NewEvent Version(string tenant, string stream, string key) =>
        AppendingDb.Record(tenant, stream, $"{stream}:{key}", new { key });

    // The old test also wanted the four events' sequence numbers in input order. The appender now appends a request's
    // streams in ordinal order of their ids (one lock order for concurrent appends), so across streams an append's
    // sequence numbers follow stream ids; within each stream they follow the input, which is what is checked here.
    [Fact]
    public async Task one_append_to_new_and_existing_streams_numbers_each_stream_on_from_its_version_in_input_order()
    {
        var tenant = "t-" + Guid.NewGuid();
        await Store.AppendAsync(tenant, [Version(tenant, "shopify:order:1", "a"), Version(tenant, "shopify:order:1", "b")]);

        var result = await Store.AppendAsync(tenant, [
            Version(tenant, "shopify:order:2", "a"), Version(tenant, "shopify:order:1", "c"),
            Version(tenant, "shopify:order:2", "b"), Version(tenant, "shopify:order:1", "d"),
        ]);

        Assert.Equal(4, result.Appended);
        var rows = await db.RowsAsync(tenant, result.Events);
        Assert.Equal([("shopify:order:2", 1L), ("shopify:order:1", 3L), ("shopify:order:2", 2L), ("shopify:order:1", 4L)],
            rows.Select(r => (r.StreamId, r.Version)));
        Assert.True(rows[0].Sequence < rows[2].Sequence);
        Assert.True(rows[1].Sequence < rows[3].Sequence);
        Assert.Equal(4, await db.StreamVersionAsync(tenant, "shopify:order:1"));
        Assert.Equal(2, await db.StreamVersionAsync(tenant, "shopify:order:2"));
        Assert.Equal([1L, 2L, 3L, 4L], (await db.DataSource.ReadStreamAsync(tenant, "shopify:order:1")).Select(e => e.Version));
        Assert.Equal(0, await db.BrokenStreamCountAsync(tenant));
    }

    [Fact]
    public async Task duplicates_in_an_existing_stream_move_its_version_only_by_the_new_events()
    {
        var tenant = "t-" + Guid.NewGuid();
        await Store.AppendAsync(tenant, [Version(tenant, "meta:campaign:7", "a")]);

        var result = await Store.AppendAsync(tenant, [
            Version(tenant, "meta:campaign:7", "a"), Version(tenant, "meta:campaign:7", "b"), Version(tenant, "meta:campaign:7", "b"),
        ]);

        Assert.Equal([AppendStatus.Duplicate, AppendStatus.Appended, AppendStatus.Duplicate], result.Events.Select(e => e.Status));
        Assert.Equal(2, (await db.RowsAsync(tenant, [result.Events[1]])).Single().Version);
        Assert.Equal(2, await db.StreamVersionAsync(tenant, "meta:campaign:7"));
        Assert.Equal(2, await db.StoredEventCountAsync(tenant));
    }

    [Fact]
    public async Task a_new_stream_with_a_repeat_inside_the_append_ends_at_the_count_of_its_distinct_events()
    {
        var tenant = "t-" + Guid.NewGuid();
        var result = await Store.AppendAsync(tenant, [
            Version(tenant, "shopify:order:5", "a"), Version(tenant, "shopify:order:5", "a"), Version(tenant, "shopify:order:5", "b"),
        ]);
        // The old result gave the repeat no version (null); now the repeat is a Duplicate of the event stored at version 1.
        Assert.Equal([AppendStatus.Appended, AppendStatus.Duplicate, AppendStatus.Appended], result.Events.Select(e => e.Status));
        Assert.Equal([1L, 2L], (await db.RowsAsync(tenant, [result.Events[0], result.Events[2]])).Select(r => r.Version));
        Assert.Equal(2, await db.StreamVersionAsync(tenant, "shopify:order:5"));
        var next = await db.AppendAsync(tenant, [Version(tenant, "shopify:order:5", "c")], expectedVersion: 2);
        Assert.Equal(3, (await db.RowsAsync(tenant, next.Events)).Single().Version);
    }

    [Fact]
    public async Task a_new_stream_whose_only_event_is_already_stored_elsewhere_stays_at_version_zero_and_numbers_on_from_one()
    {
        var tenant = "t-" + Guid.NewGuid();
        var stored = Version(tenant, "shopify:order:1", "same");
        await Store.AppendAsync(tenant, [stored]);

        // The same event id arriving for a stream that does not exist yet: a duplicate, so the new stream has no events.
        var again = await Store.AppendAsync(tenant, [stored with { StreamId = "shopify:order:99" }, Version(tenant, "shopify:order:98", "x")]);
        Assert.Equal([AppendStatus.Duplicate, AppendStatus.Appended], again.Events.Select(e => e.Status));
        Assert.Equal(0, await db.StreamVersionAsync(tenant, "shopify:order:99"));
        Assert.Empty(await db.DataSource.ReadStreamAsync(tenant, "shopify:order:99"));

        var next = await db.AppendAsync(tenant, [Version(tenant, "shopify:order:99", "first")], expectedVersion: 0);
        Assert.Equal(1, (await db.RowsAsync(tenant, next.Events)).Single().Version);
        Assert.Equal(1, await db.StreamVersionAsync(tenant, "shopify:order:99"));
    }

    [Fact]
    public async Task appends_racing_to_create_one_stream_each_get_their_own_versions_without_gaps()
    {
        var tenant = "t-" + Guid.NewGuid();
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() =>
            Store.AppendAsync(tenant, [Version(tenant, "shopify:customer:5", $"k{i}a"), Version(tenant, "shopify:customer:5", $"k{i}b")]))));

        Assert.All(results, r => Assert.Equal(2, r.Appended));
        var versions = (await db.DataSource.ReadStreamAsync(tenant, "shopify:customer:5")).Select(e => e.Version).ToList();
        Assert.Equal(Enumerable.Range(1, 24).Select(v => (long)v), versions);
        Assert.Equal(24, await db.StreamVersionAsync(tenant, "shopify:customer:5"));
        // Each append's two events are consecutive in its stream.
        foreach (var r in results)
        {
            var rows = await db.RowsAsync(tenant, r.Events);
            Assert.Equal(rows[0].Version + 1, rows[1].Version);
        }
        Assert.Equal(0, await db.BrokenStreamCountAsync(tenant));
    }

    [Fact]
    public async Task appends_racing_over_overlapping_streams_in_opposite_orders_all_commit()
    {
        var tenant = "t-" + Guid.NewGuid();
        string[] streams = ["google:campaign:1", "google:campaign:2", "google:campaign:3", "google:campaign:4"];
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
        {
            var order = i % 2 == 0 ? streams : Enumerable.Reverse(streams).ToArray();
            return Store.AppendAsync(tenant, order.Select(s => Version(tenant, s, $"{s}:{i}")).ToList());
        })));

        Assert.All(results, r => Assert.Equal(4, r.Appended));
        foreach (var s in streams)
        {
            Assert.Equal(Enumerable.Range(1, 16).Select(v => (long)v), (await db.DataSource.ReadStreamAsync(tenant, s)).Select(e => e.Version));
            Assert.Equal(16, await db.StreamVersionAsync(tenant, s));
        }
        Assert.Equal(0, await db.BrokenStreamCountAsync(tenant));
    }
}

using GrowHalo.Platform.Events;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Platform.Events.Appending;

/// <summary>
/// Appends of many events give the same answers as a small append, event by event: duplicates, versions, conflicts,
/// bodies and headers stored as sent. (The old store took a bulk path, binary COPY, from a size on; Marten has one
/// path, so these now guard the answers at a size rather than a second code path.)
/// </summary>
public sealed class LargeAppendTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private EventAppender Store => db.Appender;

    private static NewEvent Record(string tenant, int stream, string key) =>
        AppendingDb.Record(tenant, $"shopify:order:{stream}", $"order:{stream}:{key}", new { id = stream, key, note = "naïve “quotes” and emoji 🎉" })
            with { Headers = new Dictionary<string, object> { ["channel"] = "batch" } };

    [Fact]
    public async Task a_large_append_reports_stored_and_repeated_events_as_duplicates_and_numbers_the_rest_in_input_order()
    {
        var tenant = "t-" + Guid.NewGuid();
        await Store.AppendAsync(tenant, [Record(tenant, 1, "v1"), Record(tenant, 2, "v1")]);
        var batch = Enumerable.Range(0, 150).Select(i => Record(tenant, i % 50, i < 50 ? "v1" : $"v{i}")).ToList();
        batch.Add(Record(tenant, 7, "v57")); // a repeat inside the append

        var result = await Store.AppendAsync(tenant, batch);

        var duplicates = result.Events.Select((e, i) => (e, i)).Where(x => x.e.Status == AppendStatus.Duplicate).Select(x => x.i).ToList();
        Assert.Equal([1, 2, 150], duplicates);
        Assert.Equal(148, result.Appended);
        Assert.Equal(3, result.Duplicates);
        Assert.Equal(batch.Select(e => (e.Id, e.StreamId)), result.Events.Select(e => (e.Id, e.StreamId)));
        var rows = await db.RowsAsync(tenant, result.Events);
        Assert.Equal(2, rows[51].Version); // stream 1: v1 stored before (so index 1 is a duplicate), then v51, v101
        Assert.Equal(3, rows[101].Version);
        Assert.True(rows[51].Sequence < rows[101].Sequence);
        var stream1 = await db.DataSource.ReadStreamAsync(tenant, "shopify:order:1");
        Assert.Equal([1L, 2L, 3L], stream1.Select(e => e.Version));
        Assert.Equal("naïve “quotes” and emoji 🎉", stream1[^1].Data.GetProperty("payload").GetProperty("note").GetString());
        Assert.Equal("batch", stream1[^1].Metadata!.Value.GetProperty("channel").GetString());
        Assert.Equal(3, await db.StreamVersionAsync(tenant, "shopify:order:1"));
        Assert.Equal(150, await db.StoredEventCountAsync(tenant));
        Assert.Equal(0, await db.BrokenStreamCountAsync(tenant));
    }

    [Fact]
    public async Task the_same_large_append_twice_stores_nothing_the_second_time()
    {
        var tenant = "t-" + Guid.NewGuid();
        var batch = Enumerable.Range(0, 80).Select(i => Record(tenant, i, "v1")).ToList();
        await Store.AppendAsync(tenant, batch);
        var again = await Store.AppendAsync(tenant, batch);
        Assert.True(again.IsDuplicate);
        Assert.Equal(80, again.Duplicates);
        Assert.Equal(80, await db.StoredEventCountAsync(tenant));
    }

    [Fact]
    public async Task a_large_append_with_a_stale_expected_version_stores_nothing()
    {
        var tenant = "t-" + Guid.NewGuid();
        await Store.AppendAsync(tenant, [Record(tenant, 3, "first")]);
        var many = Enumerable.Range(0, 60).Select(i => Record(tenant, 3, $"n{i}")).ToList();

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() => db.AppendAsync(tenant, many, expectedVersion: 0));
        Assert.Equal(0, conflict.Expected);
        Assert.Equal(1, conflict.Actual);
        Assert.Equal(1, await db.StoredEventCountAsync(tenant));
        Assert.Equal(1, await db.StreamVersionAsync(tenant, "shopify:order:3"));

        var ok = await db.AppendAsync(tenant, many, expectedVersion: 1);
        Assert.Equal(60, ok.Appended);
        Assert.Equal(Enumerable.Range(2, 60).Select(v => (long)v), (await db.RowsAsync(tenant, ok.Events)).Select(r => r.Version));
        Assert.Equal(0, await db.BrokenStreamCountAsync(tenant));
    }

    [Fact]
    public async Task large_appends_racing_over_the_same_streams_all_commit_with_gap_free_versions()
    {
        var tenant = "t-" + Guid.NewGuid();
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(r => Task.Run(() =>
            Store.AppendAsync(tenant, Enumerable.Range(0, 60).Select(i => Record(tenant, r % 2 == 0 ? i : 59 - i, $"r{r}")).ToList()))));

        Assert.All(results, r => Assert.Equal(60, r.Appended));
        foreach (var stream in new[] { 0, 31, 59 })
            Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], (await db.DataSource.ReadStreamAsync(tenant, $"shopify:order:{stream}")).Select(e => e.Version));
        Assert.Equal(360, await db.StoredEventCountAsync(tenant));
        Assert.Equal(0, await db.BrokenStreamCountAsync(tenant));
    }

    // Was: ..._gets_version_one_and_sequences_in_input_order. The appender now appends a request's streams in ordinal
    // order of their ids (so concurrent appends lock them in one order), and Marten numbers events as it appends them:
    // across streams, one append's sequence numbers follow stream ids, not the input. Within a stream they still follow
    // the input (BrokenStreamCountAsync), and every event gets a sequence number of its own.
    [Fact]
    public async Task a_large_append_of_new_streams_one_event_each_gets_version_one_and_a_sequence_number_each()
    {
        var tenant = "t-" + Guid.NewGuid();
        var batch = Enumerable.Range(0, 120).Select(i => Record(tenant, 1000 - i, "v1")).ToList();

        var result = await Store.AppendAsync(tenant, batch);

        Assert.Equal(120, result.Appended);
        var rows = await db.RowsAsync(tenant, result.Events);
        Assert.All(rows, r => Assert.Equal(1, r.Version));
        Assert.Equal(batch.Select(e => e.StreamId), rows.Select(r => r.StreamId));
        Assert.Equal(120, rows.Select(r => r.Sequence).Distinct().Count());
        Assert.Equal(120, (await db.StreamIdsAsync(tenant, "shopify:order:")).Count);
        Assert.Equal(120, await db.ScalarAsync("select count(*) from mt_streams where tenant_id = $1 and id like 'shopify:order:%' and version = 1", tenant));
        Assert.Equal(0, await db.BrokenStreamCountAsync(tenant));
    }

    [Fact]
    public async Task an_event_id_already_stored_under_another_stream_is_a_duplicate_in_a_large_append_of_new_streams()
    {
        var tenant = "t-" + Guid.NewGuid();
        var stored = Record(tenant, 1, "v1");
        await Store.AppendAsync(tenant, [stored]);
        // Every stream of this append is new; one event carries an id stored before under shopify:order:1.
        var batch = Enumerable.Range(100, 60).Select(i => Record(tenant, i, "v1")).ToList();
        batch[30] = stored with { StreamId = "shopify:order:999" };

        var result = await Store.AppendAsync(tenant, batch);

        Assert.Equal(AppendStatus.Duplicate, result.Events[30].Status);
        Assert.Equal(59, result.Appended);
        Assert.Equal(60, await db.StoredEventCountAsync(tenant));
        Assert.Equal("shopify:order:1", (await db.RowsAsync(tenant, [result.Events[30]])).Single().StreamId); // not moved
        Assert.Empty(await db.DataSource.ReadStreamAsync(tenant, "shopify:order:999"));
        Assert.Equal(0, await db.StreamVersionAsync(tenant, "shopify:order:999"));
        Assert.Equal(1, await db.StreamVersionAsync(tenant, "shopify:order:131"));
        Assert.Equal(0, await db.BrokenStreamCountAsync(tenant));
    }

    [Fact]
    public async Task a_large_append_mixing_new_and_existing_streams_numbers_each_stream_on_from_its_version()
    {
        var tenant = "t-" + Guid.NewGuid();
        await Store.AppendAsync(tenant, Enumerable.Range(0, 10).Select(i => Record(tenant, i, "v1")).ToList());
        var batch = Enumerable.Range(0, 70).Select(i => Record(tenant, i, i < 10 ? "v2" : "v1")).ToList();
        batch.Add(Record(tenant, 3, "v1")); // stored before
        batch.Add(Record(tenant, 50, "v1")); // a repeat inside the append, in a new stream

        var result = await Store.AppendAsync(tenant, batch);

        Assert.Equal(70, result.Appended);
        Assert.Equal([AppendStatus.Duplicate, AppendStatus.Duplicate], result.Events.Skip(70).Select(e => e.Status));
        var rows = await db.RowsAsync(tenant, result.Events);
        Assert.Equal(2, rows[3].Version);
        Assert.Equal(1, rows[50].Version);
        Assert.Equal(2, await db.StreamVersionAsync(tenant, "shopify:order:3"));
        Assert.Equal(1, await db.StreamVersionAsync(tenant, "shopify:order:50"));
        Assert.Equal(80, await db.StoredEventCountAsync(tenant));
        Assert.Equal(0, await db.BrokenStreamCountAsync(tenant));
    }
}

using GrowHalo.Platform.Events;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Platform.Events.Appending;

public sealed class AppendTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private EventAppender Store => db.Appender;

    private static NewEvent Order(string tenant, int id, string updatedAt = "2026-01-01T10:00:00Z", decimal total = 10m) =>
        AppendingDb.Record(tenant, $"shopify:order:{id}", $"orders:{id}:{updatedAt}", new { id, total, updated_at = updatedAt });

    [Fact]
    public async Task the_same_record_appended_twice_is_stored_once_and_reported_as_a_duplicate()
    {
        var tenant = "t-" + Guid.NewGuid();
        var first = await Store.AppendAsync(tenant, [Order(tenant, 1)]);
        var second = await Store.AppendAsync(tenant, [Order(tenant, 1)]);

        Assert.Equal(AppendStatus.Appended, first.Events.Single().Status);
        Assert.Equal(1, (await db.RowsAsync(tenant, first.Events)).Single().Version);
        Assert.True(second.IsDuplicate);
        Assert.Equal(AppendStatus.Duplicate, second.Events.Single().Status);
        Assert.Equal(1, await db.StoredEventCountAsync(tenant));
    }

    [Fact]
    public async Task a_new_version_of_a_record_is_a_new_event_on_the_same_stream()
    {
        var tenant = "t-" + Guid.NewGuid();
        await Store.AppendAsync(tenant, [Order(tenant, 7, "2026-01-01T10:00:00Z")]);
        var update = await Store.AppendAsync(tenant, [Order(tenant, 7, "2026-01-02T10:00:00Z", 8m)]);

        Assert.Equal(AppendStatus.Appended, update.Events.Single().Status);
        Assert.Equal(2, (await db.RowsAsync(tenant, update.Events)).Single().Version);
        var stream = await db.DataSource.ReadStreamAsync(tenant, "shopify:order:7");
        Assert.Equal([1L, 2L], stream.Select(e => e.Version));
        Assert.Equal(8m, stream[1].Data.GetProperty("payload").GetProperty("total").GetDecimal());
    }

    [Fact]
    public async Task twenty_concurrent_deliveries_of_one_record_store_exactly_one_event()
    {
        var tenant = "t-" + Guid.NewGuid();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Store.AppendAsync(tenant, [Order(tenant, 42)]))));

        Assert.Equal(1, results.Count(r => r.Appended == 1));
        Assert.Equal(19, results.Count(r => r.IsDuplicate));
        Assert.Equal(1, await db.StoredEventCountAsync(tenant));
    }

    [Fact]
    public async Task a_batch_reports_each_event_and_counts_a_repeat_inside_the_batch_once()
    {
        var tenant = "t-" + Guid.NewGuid();
        await Store.AppendAsync(tenant, [Order(tenant, 1)]);
        var result = await Store.AppendAsync(tenant, [Order(tenant, 1), Order(tenant, 2), Order(tenant, 3), Order(tenant, 2)]);

        Assert.Equal([AppendStatus.Duplicate, AppendStatus.Appended, AppendStatus.Appended, AppendStatus.Duplicate], result.Events.Select(e => e.Status));
        Assert.Equal(2, result.Appended);
        Assert.Equal(2, result.Duplicates);
        Assert.False(result.IsDuplicate);
        Assert.Equal(3, await db.StoredEventCountAsync(tenant));
    }

    // Was: ..._appends_nothing_and_burns_no_sequence_number. Marten takes sequence numbers before it knows of the
    // conflict and marks them with tombstones, so that half is gone; the user's half (a conflict, nothing appended,
    // the stream numbering on without a gap) is kept.
    [Fact]
    public async Task a_stale_expected_version_is_a_conflict_that_appends_nothing()
    {
        var tenant = "t-" + Guid.NewGuid();
        await db.AppendAsync(tenant, [Order(tenant, 5, "a")], expectedVersion: 0);
        await db.AppendAsync(tenant, [Order(tenant, 5, "b")], expectedVersion: 1);

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() =>
            db.AppendAsync(tenant, [Order(tenant, 5, "c")], expectedVersion: 1));
        Assert.Equal(1, conflict.Expected);
        Assert.Equal(2, conflict.Actual);
        Assert.Equal("shopify:order:5", conflict.StreamId);
        Assert.Equal(2, await db.StoredEventCountAsync(tenant));
        Assert.Equal(2, await db.StreamVersionAsync(tenant, "shopify:order:5"));

        var next = await db.AppendAsync(tenant, [Order(tenant, 5, "d")], expectedVersion: 2);
        Assert.Equal(3, (await db.RowsAsync(tenant, next.Events)).Single().Version);
        var stream = await db.DataSource.ReadStreamAsync(tenant, "shopify:order:5");
        Assert.Equal([1L, 2L, 3L], stream.Select(e => e.Version));
        Assert.Equal(stream.Select(e => e.Sequence).Order(), stream.Select(e => e.Sequence));
        Assert.Equal(3, stream.Select(e => e.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task retrying_an_append_that_already_succeeded_is_a_duplicate_not_a_conflict()
    {
        var tenant = "t-" + Guid.NewGuid();
        await db.AppendAsync(tenant, [Order(tenant, 9)], expectedVersion: 0);
        var retry = await db.AppendAsync(tenant, [Order(tenant, 9)], expectedVersion: 0);
        Assert.True(retry.IsDuplicate);
        Assert.Equal(1, await db.StoredEventCountAsync(tenant));
    }

    [Fact]
    public async Task tenants_never_share_streams_or_idempotency()
    {
        string a = "t-" + Guid.NewGuid(), b = "t-" + Guid.NewGuid();
        await Store.AppendAsync(a, [Order(a, 100)]);
        var inB = await Store.AppendAsync(b, [Order(b, 100), Order(b, 100, "later")]);

        Assert.Equal(2, inB.Appended);
        Assert.Single(await db.DataSource.ReadStreamAsync(a, "shopify:order:100"));
        Assert.Equal([1L, 2L], (await db.DataSource.ReadStreamAsync(b, "shopify:order:100")).Select(e => e.Version));
        Assert.Empty(await db.DataSource.ReadStreamAsync(b, "shopify:order:does-not-exist"));
        Assert.Equal(["shopify:order:100"], await db.StreamIdsAsync(a, "shopify:"));
        Assert.Equal(1, await db.StreamVersionAsync(a, "shopify:order:100"));
        Assert.Equal(2, await db.StreamVersionAsync(b, "shopify:order:100"));
    }

    [Fact]
    public async Task ten_thousand_events_append_in_one_call()
    {
        var tenant = "t-" + Guid.NewGuid();
        var events = Enumerable.Range(0, 10_000).Select(i => Order(tenant, i)).ToList();
        var result = await Store.AppendAsync(tenant, events);
        Assert.Equal(10_000, result.Appended);
        Assert.Equal(10_000, await db.StoredEventCountAsync(tenant));
    }

    [Fact]
    public void event_ids_are_name_based_uuids_that_depend_on_tenant_source_and_key()
    {
        var id = EventId.For("t1", "shopify", "orders:1:2026");
        Assert.Equal(id, EventId.For("t1", "shopify", "orders:1:2026"));
        Assert.NotEqual(id, EventId.For("t2", "shopify", "orders:1:2026"));
        Assert.NotEqual(id, EventId.For("t1", "meta", "orders:1:2026"));
        Assert.Equal(5, id.Version);
        // RFC 9562 test vector: uuid5(DNS namespace, "www.example.com")
        Assert.Equal(Guid.Parse("2ed6657d-e927-568b-95e1-2665a8aea6a2"),
            EventId.NameBased(Guid.Parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "www.example.com"));
    }
}

using System.Text.Json;
using GrowHalo.Ingestion;
using GrowHalo.Platform.Events;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Platform.Events.Appending;

/// <summary>Where an appended event landed, as mt_events holds it (an append's result no longer says).</summary>
public sealed record StoredRow(string StreamId, long Version, long Sequence);

/// <summary>What the appending tests read back from Marten's tables, and the appends they make with an expected version.</summary>
internal static class AppendingDb
{
    /// <summary>A source record of the type its stream's prefix suggests; the store itself does not care which.</summary>
    public static NewEvent Record(string tenant, string stream, string key, object payload) =>
        GrowHalo.Tests.Modeling.SourceRecords.Event(tenant, stream, key, TypeFor(stream), JsonSerializer.SerializeToElement(payload));

    private static string TypeFor(string stream) => stream.Split(':') switch
    {
        ["meta", ..] => SourceEventTypes.MetaInsightsRow,
        ["google", ..] => SourceEventTypes.GoogleAdsRow,
        [_, "customer", ..] => SourceEventTypes.ShopifyCustomer,
        [_, "refund", ..] => SourceEventTypes.ShopifyRefund,
        _ => SourceEventTypes.ShopifyOrder,
    };

    /// <summary>The tenant's stored events: Marten's tombstones (sequence numbers of a failed append) are none of them.</summary>
    public static Task<long> StoredEventCountAsync(this TestDatabase db, string tenant) =>
        db.ScalarAsync("select count(*) from mt_events where tenant_id = $1 and type <> 'tombstone'", tenant);

    /// <summary>The tenant's streams, without Marten's tombstone stream.</summary>
    public static Task<long> StreamCountAsync(this TestDatabase db, string tenant) =>
        db.ScalarAsync("select count(*) from mt_streams where tenant_id = $1 and id <> 'mt_tombstone'", tenant);

    /// <summary>A stream's version in mt_streams; 0 for a stream that has no events (and so no row).</summary>
    public static Task<long> StreamVersionAsync(this TestDatabase db, string tenant, string stream) =>
        db.ScalarAsync("select coalesce(max(version), 0) from mt_streams where tenant_id = $1 and id = $2", tenant, stream);

    /// <summary>The tenant's stream ids starting with <paramref name="prefix"/> (literally), in order.</summary>
    public static async Task<List<string>> StreamIdsAsync(this TestDatabase db, string tenant, string prefix = "")
    {
        await using var cmd = db.DataSource.CreateCommand(
            "select id from mt_streams where tenant_id = $1 and id <> 'mt_tombstone' and left(id, length($2)) = $2 order by id");
        cmd.Parameters.Add(new() { Value = tenant });
        cmd.Parameters.Add(new() { Value = prefix });
        var ids = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) ids.Add(r.GetString(0));
        return ids;
    }

    /// <summary>The stored row of each event id of <paramref name="outcomes"/>, in their order (a duplicate maps to the row stored for its id).</summary>
    public static async Task<List<StoredRow>> RowsAsync(this TestDatabase db, string tenant, IEnumerable<AppendOutcome> outcomes)
    {
        var ids = outcomes.Select(o => o.Id).ToArray();
        await using var cmd = db.DataSource.CreateCommand(
            "select id, stream_id, version, seq_id from mt_events where tenant_id = $1 and id = any($2)");
        cmd.Parameters.Add(new() { Value = tenant });
        cmd.Parameters.Add(new() { Value = ids });
        var rows = new Dictionary<Guid, StoredRow>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
                rows.Add(r.GetGuid(0), new StoredRow(r.GetString(1), r.GetInt64(2), r.GetInt64(3)));
        return ids.Select(id => rows.TryGetValue(id, out var row) ? row : throw new Xunit.Sdk.XunitException($"Event {id} is not stored.")).ToList();
    }

    /// <summary>
    /// In each of the tenant's streams, versions run 1, 2, 3 … without a gap, sequence numbers rise with them, and
    /// mt_streams holds the last version: the number of streams that break one of these (0 when all hold).
    /// </summary>
    public static Task<long> BrokenStreamCountAsync(this TestDatabase db, string tenant) => db.ScalarAsync("""
        with e as (
            select stream_id, version, seq_id,
                   row_number() over (partition by stream_id order by version) as n,
                   lag(seq_id) over (partition by stream_id order by version) as previous_seq
            from mt_events where tenant_id = $1 and type <> 'tombstone')
        select count(*) from (
            select stream_id from e where version <> n or previous_seq >= seq_id
            union
            select e.stream_id from e left join mt_streams s on s.tenant_id = $1 and s.id = e.stream_id
            group by e.stream_id, s.version having s.version is distinct from max(e.version)) broken
        """, tenant);

    /// <summary>An append with an expected version, in a transaction of its own (the overload without one takes none).</summary>
    public static async Task<AppendResult> AppendAsync(this TestDatabase db, string tenant, IReadOnlyList<NewEvent> events, long expectedVersion)
    {
        await using var conn = await db.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var result = await db.Appender.AppendAsync(tx, tenant, events, expectedVersion);
        await tx.CommitAsync();
        return result;
    }
}

using System.Buffers;
using System.Text.Json;
using GrowHalo.EventStore.Projections;
using Npgsql;

namespace GrowHalo.EventStore;

/// <summary>Maps rows of <c>events</c> to <see cref="StoredEvent"/>; the one place that knows the column order.</summary>
internal static class EventReader
{
    // The text casts get names of their own: a cast keeps the column's name, and ORDER BY prefers an output column,
    // so "order by tx_id" next to "tx_id::text" would sort the feed as text ('1000' before '999') and skip events.
    // Bodies come as json (their stored text, 0004), read as raw UTF-8 bytes and parsed once: no UTF-16 string and no
    // second copy per event (reading them as text, parsing and cloning was a third of the daemon's CPU when catching up).
    public const string Columns =
        "seq_id, id, tenant_id, stream_id, version, type, data, metadata, created_at, tx_id::text as tx_text";

    /// <summary>
    /// <see cref="Columns"/> without the bodies, for readers that need only who, what and when: fetching and
    /// decompressing a body is most of what reading an event costs the server. Such events' Data is undefined.
    /// </summary>
    public static readonly string HeaderColumns = Columns.Replace(" data,", " null::json as data,", StringComparison.Ordinal);

    public static async Task<List<StoredEvent>> ReadAllAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<StoredEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(Read(reader));
        return list;
    }

    /// <summary>
    /// Reads the rows as <see cref="ReadAllAsync"/> does, but hands each event with its body to
    /// <paramref name="reducer"/> and keeps it without: the body's document is disposed (its pooled buffers reused)
    /// as soon as the reducer returns, so a page's bodies never pile up. Once the reducer throws it is given nothing
    /// more; the rows are still read, and the exception is returned with them.
    /// </summary>
    public static async Task<(List<StoredEvent> Events, Exception? Error)> ReduceAllAsync(NpgsqlCommand cmd, IEventReducer reducer, CancellationToken ct)
    {
        var list = new List<StoredEvent>();
        Exception? error = null;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var e = Read(reader, withData: false);
            list.Add(e);
            if (error is not null) continue;
            using var body = PooledBody.Read(reader, 6);
            try
            {
                reducer.Add(body is null ? e : e with { Data = body.Root });
            }
            catch (Exception thrown)
            {
                error = thrown;
            }
        }
        return (list, error);
    }

    public static StoredEvent Read(NpgsqlDataReader r) => Read(r, withData: true);

    private static StoredEvent Read(NpgsqlDataReader r, bool withData)
    {
        var seq = r.GetInt64(0);
        return new StoredEvent(seq, r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetString(5),
            !withData || r.IsDBNull(6) ? default : Parse(r.GetFieldValue<byte[]>(6)), r.IsDBNull(7) ? null : Parse(r.GetFieldValue<byte[]>(7)),
            r.GetFieldValue<DateTimeOffset>(8), new FeedPosition(ulong.Parse(r.GetString(9)), seq));
    }

    /// <summary>
    /// A body parsed over a buffer rented for it, instead of a new array per body (2.4 KB for an order of the bench's
    /// backlog): fewer collections, each of which pays again for the pages in flight. Disposing returns the document's
    /// and the body's buffers.
    /// </summary>
    private sealed class PooledBody : IDisposable
    {
        private readonly byte[] _utf8;
        private readonly JsonDocument _document;

        private PooledBody(byte[] utf8, int length)
        {
            _utf8 = utf8;
            _document = JsonDocument.Parse(utf8.AsMemory(0, length));
        }

        public JsonElement Root => _document.RootElement;

        public static PooledBody? Read(NpgsqlDataReader reader, int ordinal)
        {
            if (reader.IsDBNull(ordinal)) return null;
            var length = checked((int)reader.GetBytes(ordinal, 0, null, 0, 0));
            var utf8 = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                reader.GetBytes(ordinal, 0, utf8, 0, length);
                return new PooledBody(utf8, length);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(utf8);
                throw;
            }
        }

        public void Dispose()
        {
            _document.Dispose();
            ArrayPool<byte>.Shared.Return(_utf8);
        }
    }

    /// <summary>
    /// The element of a document over <paramref name="utf8"/> itself (the array is this event's own). The document
    /// is not disposed — like a cloned element it lives as long as the event — so its metadata is left to the GC.
    /// </summary>
    private static JsonElement Parse(byte[] utf8) => JsonDocument.Parse(utf8.AsMemory()).RootElement;
}

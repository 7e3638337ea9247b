using System.Text.Json;
using Npgsql;

namespace GrowHalo.EventStore;

/// <summary>Maps rows of <c>events</c> to <see cref="StoredEvent"/>; the one place that knows the column order.</summary>
internal static class EventReader
{
    // The text casts get names of their own: a cast keeps the column's name, and ORDER BY prefers an output column,
    // so "order by tx_id" next to "tx_id::text" would sort the feed as text ('1000' before '999') and skip events.
    public const string Columns =
        "seq_id, id, tenant_id, stream_id, version, type, data::text as data_json, metadata::text as metadata_json, created_at, tx_id::text as tx_text";

    public static async Task<List<StoredEvent>> ReadAllAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<StoredEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(Read(reader));
        return list;
    }

    public static StoredEvent Read(NpgsqlDataReader r)
    {
        var seq = r.GetInt64(0);
        return new StoredEvent(seq, r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetString(5),
            Parse(r.GetString(6)), r.IsDBNull(7) ? null : Parse(r.GetString(7)),
            r.GetFieldValue<DateTimeOffset>(8), new FeedPosition(ulong.Parse(r.GetString(9)), seq));
    }

    private static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }
}

using System.Text.Json;
using Npgsql;

namespace GrowHalo.Tests.Infrastructure;

/// <summary>An event as Marten stored it: its type name, its body and its headers, as JSON.</summary>
public sealed record StoredEvent(string Type, JsonElement Data, JsonElement? Metadata, long Version, long Sequence);

public static class StoredEvents
{
    /// <summary>A tenant's stream as it is in mt_events, in version order.</summary>
    public static async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(this NpgsqlDataSource db, string tenantId, string streamId)
    {
        await using var cmd = db.CreateCommand("select type, data::text, headers::text, version, seq_id from mt_events where tenant_id = $1 and stream_id = $2 order by version");
        cmd.Parameters.Add(new() { Value = tenantId });
        cmd.Parameters.Add(new() { Value = streamId });
        var events = new List<StoredEvent>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            events.Add(new StoredEvent(r.GetString(0), JsonElement.Parse(r.GetString(1)),
                r.IsDBNull(2) ? null : JsonElement.Parse(r.GetString(2)), r.GetInt64(3), r.GetInt64(4)));
        return events;
    }
}

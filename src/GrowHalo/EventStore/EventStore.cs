using System.Runtime.InteropServices;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.EventStore;

/// <summary>
/// The write side's only door: append events to a tenant's streams, read a stream back, list streams.
/// Appends run in one transaction: small ones in one round trip (the <c>append_events</c> function over array
/// parameters), large ones as the <c>append_events_plan</c> function followed by binary COPY of the new rows;
/// an event whose id is already stored is reported as <see cref="AppendStatus.Duplicate"/>, never an error.
/// </summary>
public sealed class EventStore(NpgsqlDataSource dataSource)
{
    public NpgsqlDataSource DataSource => dataSource;

    public async Task<AppendResult> AppendAsync(string tenantId, IReadOnlyList<NewEvent> events, long? expectedVersion = null, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var result = await AppendAsync(tx, tenantId, events, expectedVersion, ct);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>From this many events on, the rows are written with binary COPY (see 0002_append_events_fewer_writes.sql).</summary>
    internal const int CopyThreshold = 50;

    /// <summary>Appends inside the caller's transaction, so other writes can commit (or roll back) with the events.</summary>
    public static async Task<AppendResult> AppendAsync(NpgsqlTransaction tx, string tenantId, IReadOnlyList<NewEvent> events, long? expectedVersion = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        if (events.Count == 0) return new AppendResult([]);
        if (expectedVersion is not null && events.Select(e => e.StreamId).Distinct().Skip(1).Any())
            throw new ArgumentException("An expected version applies to a single stream; this append touches several.", nameof(expectedVersion));
        foreach (var e in events) EnsureStorable(e);
        try
        {
            return events.Count >= CopyThreshold
                ? await BulkAppend.PlanAndCopyAsync(tx, tenantId, events, expectedVersion, ct)
                : await InsertAsync(tx, tenantId, events, expectedVersion, ct);
        }
        catch (PostgresException e) when (e.SqlState == "GH409")
        {
            throw new StreamVersionConflictException(events[0].StreamId, expectedVersion!.Value, long.Parse(e.Hint!));
        }
    }

    /// <summary>Bodies are stored as the JSON text they are, so escapes PostgreSQL text cannot hold are refused here, before any write.</summary>
    private static void EnsureStorable(NewEvent e)
    {
        var problem = StorableJson.FindProblem(e.DataUtf8 ?? JsonMarshal.GetRawUtf8Value(e.Data));
        if (problem is null && (e.MetadataUtf8 is not null || e.Metadata is not null))
            problem = StorableJson.FindProblem(e.MetadataUtf8 ?? JsonMarshal.GetRawUtf8Value(e.Metadata!.Value));
        if (problem is { Reason: var reason }) throw new UnstorableEventException(e.Id, e.StreamId, reason);
    }

    /// <summary>Small appends: one round trip, the function inserts the rows itself.</summary>
    private static async Task<AppendResult> InsertAsync(NpgsqlTransaction tx, string tenantId, IReadOnlyList<NewEvent> events, long? expectedVersion, CancellationToken ct)
    {
        // Bodies go as the UTF-8 JSON they are (json, stored verbatim): no UTF-16 string per body for Npgsql to encode back.
        var data = new byte[events.Count][];
        var metadata = new byte[]?[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            data[i] = events[i].DataUtf8 ?? JsonMarshal.GetRawUtf8Value(events[i].Data).ToArray();
            metadata[i] = events[i].MetadataUtf8 ?? (events[i].Metadata is { } m ? JsonMarshal.GetRawUtf8Value(m).ToArray() : null);
        }
        await using var cmd = new NpgsqlCommand("select * from append_events($1, $2, $3, $4, $5, $6, $7)", tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = tenantId },
                new() { Value = Ids(events) },
                new() { Value = Streams(events) },
                new() { Value = events.Select(e => e.Type).ToArray() },
                new() { Value = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json },
                new() { Value = metadata, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json },
                new() { Value = (object?)expectedVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint },
            },
        };
        var outcomes = new List<AppendOutcome>(events.Count);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var appended = reader.GetString(3) == "appended";
            outcomes.Add(new AppendOutcome(reader.GetGuid(1), reader.GetString(2),
                appended ? AppendStatus.Appended : AppendStatus.Duplicate,
                appended ? reader.GetInt64(4) : null, appended ? reader.GetInt64(5) : null));
        }
        return new AppendResult(outcomes);
    }

    internal static Guid[] Ids(IReadOnlyList<NewEvent> events)
    {
        var ids = new Guid[events.Count];
        for (var i = 0; i < ids.Length; i++) ids[i] = events[i].Id;
        return ids;
    }

    internal static string[] Streams(IReadOnlyList<NewEvent> events)
    {
        var streams = new string[events.Count];
        for (var i = 0; i < streams.Length; i++) streams[i] = events[i].StreamId;
        return streams;
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string tenantId, string streamId, long fromVersion = 1, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand($"""
            select {EventReader.Columns} from events
            where tenant_id = $1 and stream_id = $2 and version >= $3
            order by version
            """);
        cmd.Parameters.Add(new() { Value = tenantId });
        cmd.Parameters.Add(new() { Value = streamId });
        cmd.Parameters.Add(new() { Value = fromVersion });
        return await EventReader.ReadAllAsync(cmd, ct);
    }

    public async Task<IReadOnlyList<StreamInfo>> ListStreamsAsync(string tenantId, string prefix = "", int limit = 1000, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            select tenant_id, id, version, created_at, updated_at from streams
            where tenant_id = $1 and starts_with(id, $2)
            order by id limit $3
            """);
        cmd.Parameters.Add(new() { Value = tenantId });
        cmd.Parameters.Add(new() { Value = prefix });
        cmd.Parameters.Add(new() { Value = limit });
        var streams = new List<StreamInfo>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            streams.Add(new StreamInfo(reader.GetString(0), reader.GetString(1), reader.GetInt64(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4)));
        return streams;
    }
}

using System.Buffers;
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
        try
        {
            return events.Count >= CopyThreshold
                ? await PlanAndCopyAsync(tx, tenantId, events, expectedVersion, ct)
                : await InsertAsync(tx, tenantId, events, expectedVersion, ct);
        }
        catch (PostgresException e) when (e.SqlState == "GH409")
        {
            throw new StreamVersionConflictException(events[0].StreamId, expectedVersion!.Value, long.Parse(e.Hint!));
        }
    }

    /// <summary>Small appends: one round trip, the function inserts the rows itself.</summary>
    private static async Task<AppendResult> InsertAsync(NpgsqlTransaction tx, string tenantId, IReadOnlyList<NewEvent> events, long? expectedVersion, CancellationToken ct)
    {
        var data = new string[events.Count];
        var metadata = new object[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            data[i] = events[i].Data.GetRawText();
            metadata[i] = (object?)events[i].Metadata?.GetRawText() ?? DBNull.Value;
        }
        await using var cmd = new NpgsqlCommand("select * from append_events($1, $2, $3, $4, $5, $6, $7)", tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = tenantId },
                new() { Value = Ids(events) },
                new() { Value = Streams(events) },
                new() { Value = events.Select(e => e.Type).ToArray() },
                new() { Value = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
                new() { Value = metadata, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
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

    /// <summary>
    /// Large appends: the plan (locks, duplicates, versions, sequence numbers) without the bodies, then binary COPY of
    /// the new rows with those numbers — PostgreSQL's bulk path — in the same transaction, under the plan's stream locks.
    /// </summary>
    private static async Task<AppendResult> PlanAndCopyAsync(NpgsqlTransaction tx, string tenantId, IReadOnlyList<NewEvent> events, long? expectedVersion, CancellationToken ct)
    {
        var outcomes = new AppendOutcome[events.Count];
        await using (var plan = new NpgsqlCommand("select ord, version, seq_id from append_events_plan($1, $2, $3, $4)", tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = tenantId },
                new() { Value = Ids(events) },
                new() { Value = Streams(events) },
                new() { Value = (object?)expectedVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint },
            },
        })
        await using (var reader = await plan.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var i = reader.GetInt32(0) - 1;
                outcomes[i] = reader.IsDBNull(1)
                    ? new AppendOutcome(events[i].Id, events[i].StreamId, AppendStatus.Duplicate, null, null)
                    : new AppendOutcome(events[i].Id, events[i].StreamId, AppendStatus.Appended, reader.GetInt64(1), reader.GetInt64(2));
            }
        }

        if (!outcomes.Any(o => o.Status == AppendStatus.Appended)) return new AppendResult(outcomes);
        // PostgreSQL refuses COPY FROM under row-level security, so a transaction that took a tenant's role (TenantDb)
        // COPYs as the owner and takes the role back right after. Only this statement runs so, and it writes only rows
        // of the tenant the plan just checked against the transaction's tenant (see append_events_plan).
        string role;
        await using (var asOwner = new NpgsqlCommand("select current_setting('role'), set_config('role', 'none', true)", tx.Connection, tx))
            role = (string)(await asOwner.ExecuteScalarAsync(ct))!;
        // Bodies go out as the UTF-8 bytes they already are (no UTF-16 string per event), through one pooled buffer:
        // the importer has consumed a value when WriteAsync returns.
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            await using var copy = await tx.Connection!.BeginBinaryImportAsync(
                "copy events (seq_id, id, tenant_id, stream_id, version, type, data, metadata) from stdin (format binary)", ct);
            for (var i = 0; i < events.Count; i++)
            {
                if (outcomes[i].Status != AppendStatus.Appended) continue;
                var e = events[i];
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(outcomes[i].Sequence!.Value, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(e.Id, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(tenantId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(e.StreamId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(outcomes[i].Version!.Value, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(e.Type, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(Utf8(e.Data, ref buffer), NpgsqlDbType.Jsonb, ct);
                if (e.Metadata is { } metadata) await copy.WriteAsync(Utf8(metadata, ref buffer), NpgsqlDbType.Jsonb, ct);
                else await copy.WriteNullAsync(ct);
            }
            await copy.CompleteAsync(ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (role != "none")
        {
            await using var back = new NpgsqlCommand("select set_config('role', $1, true)", tx.Connection, tx) { Parameters = { new() { Value = role } } };
            await back.ExecuteNonQueryAsync(ct);
        }
        return new AppendResult(outcomes);
    }

    private static ReadOnlyMemory<byte> Utf8(JsonElement json, ref byte[] buffer)
    {
        var raw = JsonMarshal.GetRawUtf8Value(json);
        if (raw.Length > buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent(raw.Length);
        }
        raw.CopyTo(buffer);
        return buffer.AsMemory(0, raw.Length);
    }

    private static Guid[] Ids(IReadOnlyList<NewEvent> events)
    {
        var ids = new Guid[events.Count];
        for (var i = 0; i < ids.Length; i++) ids[i] = events[i].Id;
        return ids;
    }

    private static string[] Streams(IReadOnlyList<NewEvent> events)
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

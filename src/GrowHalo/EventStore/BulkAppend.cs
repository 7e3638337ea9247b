using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.EventStore;

/// <summary>
/// Large appends: the plan (locks, duplicates, versions, sequence numbers) without the bodies, then binary COPY of the
/// new rows with those numbers — PostgreSQL's bulk path — in the same transaction, under the plan's stream locks.
/// The plan is optimistic first (0003_append_plan_new_streams.sql): events of the streams it creates are not looked up
/// in events. Should one of them be stored under another stream after all, COPY hits the unique (tenant_id, id) and
/// the append goes back to the savepoint taken with the plan and runs again with the full check.
/// </summary>
internal static class BulkAppend
{
    private const string Savepoint = "growhalo_bulk_append";

    public static async Task<AppendResult> PlanAndCopyAsync(NpgsqlTransaction tx, string tenantId, IReadOnlyList<NewEvent> events,
        long? expectedVersion, CancellationToken ct)
    {
        try
        {
            return await RunAsync(tx, tenantId, events, expectedVersion, optimistic: true, ct);
        }
        catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "events_idempotent" })
        {
            // Rolling back to the savepoint also undoes the plan's streams and its change of role.
            await using (var back = new NpgsqlCommand($"rollback to savepoint {Savepoint}", tx.Connection, tx))
                await back.ExecuteNonQueryAsync(ct);
            return await RunAsync(tx, tenantId, events, expectedVersion, optimistic: false, ct);
        }
    }

    private static async Task<AppendResult> RunAsync(NpgsqlTransaction tx, string tenantId, IReadOnlyList<NewEvent> events,
        long? expectedVersion, bool optimistic, CancellationToken ct)
    {
        var (outcomes, role) = await PlanAsync(tx, tenantId, events, expectedVersion, optimistic, ct);
        if (outcomes.Any(o => o.Status == AppendStatus.Appended)) await CopyAsync(tx, tenantId, events, outcomes, ct);
        // The tenant's role back (see PlanAsync); the savepoint is no longer needed.
        await using var finish = new NpgsqlBatch(tx.Connection, tx)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("select set_config('role', $1, true)") { Parameters = { new() { Value = role } } },
                new NpgsqlBatchCommand($"release savepoint {Savepoint}"),
            },
        };
        await finish.ExecuteNonQueryAsync(ct);
        return new AppendResult(outcomes);
    }

    /// <summary>
    /// One round trip: a savepoint, the plan, and the switch to the owner's role for the COPY that follows. PostgreSQL
    /// refuses COPY FROM under row-level security, so a transaction that took a tenant's role (TenantDb) COPYs as the
    /// owner and takes the role back right after. Only that COPY runs so, and it writes only rows of the tenant the
    /// plan has just checked against the transaction's tenant (see append_events_plan); a failed plan switches nothing.
    /// </summary>
    private static async Task<(AppendOutcome[] Outcomes, string Role)> PlanAsync(NpgsqlTransaction tx, string tenantId,
        IReadOnlyList<NewEvent> events, long? expectedVersion, bool optimistic, CancellationToken ct)
    {
        var outcomes = new AppendOutcome[events.Count];
        await using var batch = new NpgsqlBatch(tx.Connection, tx)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"savepoint {Savepoint}"),
                new NpgsqlBatchCommand("select ord, version, seq_id from append_events_plan($1, $2, $3, $4, $5)")
                {
                    Parameters =
                    {
                        new() { Value = tenantId },
                        new() { Value = EventStore.Ids(events) },
                        new() { Value = EventStore.Streams(events) },
                        new() { Value = (object?)expectedVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint },
                        new() { Value = optimistic },
                    },
                },
                new NpgsqlBatchCommand("select current_setting('role'), set_config('role', 'none', true)"),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var i = reader.GetInt32(0) - 1;
            outcomes[i] = reader.IsDBNull(1)
                ? new AppendOutcome(events[i].Id, events[i].StreamId, AppendStatus.Duplicate, null, null)
                : new AppendOutcome(events[i].Id, events[i].StreamId, AppendStatus.Appended, reader.GetInt64(1), reader.GetInt64(2));
        }
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return (outcomes, reader.GetString(0));
    }

    private static async Task CopyAsync(NpgsqlTransaction tx, string tenantId, IReadOnlyList<NewEvent> events, AppendOutcome[] outcomes,
        CancellationToken ct)
    {
        // Bodies go out as the UTF-8 bytes they are (no UTF-16 string per event); one given as an element goes through a
        // pooled buffer: the importer has consumed a value when WriteAsync returns.
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
                await copy.WriteAsync(e.DataUtf8 ?? Utf8(e.Data, ref buffer), NpgsqlDbType.Json, ct);
                if (e.MetadataUtf8 is { } metadataUtf8) await copy.WriteAsync<ReadOnlyMemory<byte>>(metadataUtf8, NpgsqlDbType.Json, ct);
                else if (e.Metadata is { } metadata) await copy.WriteAsync(Utf8(metadata, ref buffer), NpgsqlDbType.Json, ct);
                else await copy.WriteNullAsync(ct);
            }
            await copy.CompleteAsync(ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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
}

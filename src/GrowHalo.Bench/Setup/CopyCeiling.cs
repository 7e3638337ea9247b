using System.Diagnostics;
using GrowHalo.Platform.Events;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.Bench.Setup;

/// <summary>
/// The ceiling for writing events: binary COPY of the very rows an append stores in Marten's event table (same ids,
/// streams, versions, type names, .NET type names, jsonb bodies and headers as Marten's serializer writes them) into a
/// table of the same shape as <c>mt_events</c> — <c>like mt_events including all</c>, so the same columns, defaults
/// and every index (the primary key on seq_id, the unique event id, tenant + stream + version) — with its own sequence
/// for seq_id, one COPY and one transaction per chunk, one connection, rows prepared before the clock starts. Nothing
/// PostgreSQL can take in is faster. (What the ceiling leaves out, the append pays for: mt_streams rows and the
/// foreign key from mt_events to them, which <c>like</c> does not copy.)
/// </summary>
public static class CopyCeiling
{
    public sealed record Row(Guid Id, string StreamId, long Version, string Type, string? DotNetType, string Data, string? Headers);

    /// <summary>The row Marten stores for the event (as the first event of its stream, as a new order's is).</summary>
    public static Row ToRow(DocumentStore store, NewEvent e)
    {
        var mapping = ((Marten.Events.EventGraph)store.Options.Events).EventMappingFor(e.Data.GetType());
        var serializer = store.Options.Serializer();
        return new Row(e.Id, e.StreamId, 1, mapping.EventTypeName, mapping.DotNetTypeName, serializer.ToJson(e.Data),
            e.Headers is null ? null : serializer.ToJson(e.Headers));
    }

    public static async Task CreateTableAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        // seq_id from a sequence of its own: drawing from mt_events_sequence would leave gaps in the real log. The
        // timestamp is now(), as the append writes it (mt_events' own default is a constant, the moment it was created).
        await using var create = db.CreateCommand("""
            drop table if exists bench_copy_ceiling;
            drop sequence if exists bench_copy_ceiling_seq;
            create table bench_copy_ceiling (like mt_events including all);
            create sequence bench_copy_ceiling_seq owned by bench_copy_ceiling.seq_id;
            alter table bench_copy_ceiling alter column seq_id set default nextval('bench_copy_ceiling_seq'),
                                           alter column "timestamp" set default now();
            """);
        await create.ExecuteNonQueryAsync(ct);
    }

    /// <summary>COPYs each chunk in a transaction of its own; returns the time it took.</summary>
    public static async Task<TimeSpan> CopyAsync(NpgsqlDataSource db, string tenantId, IReadOnlyList<Row[]> chunks, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var clock = Stopwatch.StartNew();
        foreach (var chunk in chunks)
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            await using (var copy = await conn.BeginBinaryImportAsync(
                "copy bench_copy_ceiling (id, tenant_id, stream_id, version, type, mt_dotnet_type, data, headers) from stdin (format binary)", ct))
            {
                foreach (var row in chunk)
                {
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(row.Id, NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(tenantId, NpgsqlDbType.Varchar, ct);
                    await copy.WriteAsync(row.StreamId, NpgsqlDbType.Varchar, ct);
                    await copy.WriteAsync(row.Version, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(row.Type, NpgsqlDbType.Varchar, ct);
                    if (row.DotNetType is null) await copy.WriteNullAsync(ct);
                    else await copy.WriteAsync(row.DotNetType, NpgsqlDbType.Varchar, ct);
                    await copy.WriteAsync(row.Data, NpgsqlDbType.Jsonb, ct);
                    if (row.Headers is null) await copy.WriteNullAsync(ct);
                    else await copy.WriteAsync(row.Headers, NpgsqlDbType.Jsonb, ct);
                }
                await copy.CompleteAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        return clock.Elapsed;
    }
}

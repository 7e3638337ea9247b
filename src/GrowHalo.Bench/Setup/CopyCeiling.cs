using System.Diagnostics;
using GrowHalo.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.Bench.Setup;

/// <summary>
/// The ceiling for writing events: binary COPY of the very rows an append would store (same ids, streams, types,
/// JSON bodies and metadata) into a table of the same shape as <c>events</c> — <c>like events including all</c>, so
/// the same columns, defaults (tx_id, created_at), identity and all five indexes — one COPY and one transaction per
/// chunk, one connection, rows prepared before the clock starts. Nothing PostgreSQL can take in is faster.
/// </summary>
public static class CopyCeiling
{
    public sealed record Row(Guid Id, string StreamId, string Type, string Data, string? Metadata);

    public static Row ToRow(NewEvent e) => new(e.Id, e.StreamId, e.Type, e.Data.GetRawText(), e.Metadata?.GetRawText());

    public static async Task CreateTableAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var create = db.CreateCommand("drop table if exists bench_copy_ceiling; create table bench_copy_ceiling (like events including all)");
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
                "copy bench_copy_ceiling (id, tenant_id, stream_id, version, type, data, metadata) from stdin (format binary)", ct))
            {
                foreach (var row in chunk)
                {
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(row.Id, NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(tenantId, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(row.StreamId, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(1L, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(row.Type, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(row.Data, NpgsqlDbType.Json, ct);
                    if (row.Metadata is null) await copy.WriteNullAsync(ct);
                    else await copy.WriteAsync(row.Metadata, NpgsqlDbType.Json, ct);
                }
                await copy.CompleteAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        return clock.Elapsed;
    }
}

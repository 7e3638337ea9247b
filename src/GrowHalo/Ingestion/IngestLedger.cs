using GrowHalo.Platform.Tenancy;
using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.Ingestion;

/// <summary>One record turned away: where it was (batch and index, when it came in a batch) and why.</summary>
public sealed record Rejection(Guid? BatchId, int? Index, string? EventType, string Field, string Reason);

/// <summary>
/// The write-side counters that no event can carry (a duplicate or a rejection stores no event): per connection
/// ('' when none) duplicates, rejections and the last error, plus the rejections themselves. Written in the
/// caller's transaction, after the append, so the stats row is always locked after the streams (no deadlocks).
/// </summary>
internal static class IngestLedger
{
    public static async Task RecordAsync(NpgsqlTransaction tx, string tenantId, string? connectionId, long duplicates,
        long rejectedRecords, IReadOnlyList<Rejection> rejections, DateTimeOffset at, CancellationToken ct)
    {
        if (duplicates == 0 && rejectedRecords == 0) return;
        var first = rejections.FirstOrDefault();
        await using (var stats = new NpgsqlCommand("""
            insert into ingest_connection_stats (tenant_id, connection_id, duplicates, rejections, last_error, last_error_at)
            values ($1, $2, $3, $4, $5, case when $5::text is null then null else $6 end)
            on conflict (tenant_id, connection_id) do update set
                duplicates = ingest_connection_stats.duplicates + excluded.duplicates,
                rejections = ingest_connection_stats.rejections + excluded.rejections,
                last_error = coalesce(excluded.last_error, ingest_connection_stats.last_error),
                last_error_at = coalesce(excluded.last_error_at, ingest_connection_stats.last_error_at)
            """, tx.Connection, tx))
        {
            stats.Parameters.Add(new() { Value = tenantId });
            stats.Parameters.Add(new() { Value = connectionId ?? "" });
            stats.Parameters.Add(new() { Value = duplicates });
            stats.Parameters.Add(new() { Value = rejectedRecords });
            stats.Parameters.Add(new() { Value = first is null ? DBNull.Value : $"{first.Field} {first.Reason}", NpgsqlDbType = NpgsqlDbType.Text });
            stats.Parameters.Add(new() { Value = at });
            await stats.ExecuteNonQueryAsync(ct);
        }
        if (rejections.Count == 0) return;
        await using var insert = new NpgsqlCommand("""
            insert into ingest_rejections (tenant_id, connection_id, batch_id, event_index, event_type, field, reason, at)
            select $1, $2, b, i, t, f, r, $8 from unnest($3::uuid[], $4::int[], $5::text[], $6::text[], $7::text[]) as x(b, i, t, f, r)
            """, tx.Connection, tx);
        insert.Parameters.Add(new() { Value = tenantId });
        insert.Parameters.Add(new() { Value = (object?)connectionId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        insert.Parameters.Add(new() { Value = rejections.Select(r => (object?)r.BatchId ?? DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        insert.Parameters.Add(new() { Value = rejections.Select(r => (object?)r.Index ?? DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        insert.Parameters.Add(new() { Value = rejections.Select(r => (object?)r.EventType ?? DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new() { Value = rejections.Select(r => r.Field).ToArray() });
        insert.Parameters.Add(new() { Value = rejections.Select(r => r.Reason).ToArray() });
        insert.Parameters.Add(new() { Value = at });
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A webhook that proved who sent it but could not be used: counted and listed, in a transaction of its own.</summary>
    public static async Task RecordRejectedWebhookAsync(TenantDatabases databases, string tenantId, string? connectionId, string? eventType,
        IReadOnlyList<Parsing.FieldError> errors, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await Platform.Tenancy.TenantDb.BeginAsync(databases, tenantId, ct);
        await RecordAsync(db.Transaction, tenantId, connectionId, 0, 1, errors.Select(e => new Rejection(null, null, eventType, e.Field, e.Message)).ToList(), at, ct);
        await db.CommitAsync(ct);
    }
}

using GrowHalo.Platform.Events;
using GrowHalo.Ingestion.Adapters;
using GrowHalo.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Ingestion.Batches;

/// <summary>Commits a batch's events with its record in one transaction, and reads batches back, in a <see cref="TenantDb"/>.</summary>
public sealed class BatchStore(TenantDatabases databases, EventAppender appender, TimeProvider clock)
{
    private const string Columns =
        "id, tenant_id, source, connection_id, total_events, accepted, rejected, duplicates, status, created_at, completed_at";

    /// <summary>
    /// Converts and appends the batch's records and records the batch, in one transaction (see <see cref="BatchPipeline"/>).
    /// When no record is usable nothing is stored and Batch is null. A deadlock with another batch over the same streams
    /// (possible only between chunks of the pipeline) is retried once as a single append, whose locks cannot deadlock.
    /// </summary>
    internal async Task<Committed> CommitAsync(string tenantId, string source, string? connectionId, BatchRequest request,
        RecordContext context, DateTimeOffset createdAt, CancellationToken ct)
    {
        try
        {
            return await CommitOnceAsync(tenantId, source, connectionId, request, context, createdAt, pipelined: true, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected)
        {
            return await CommitOnceAsync(tenantId, source, connectionId, request, context, createdAt, pipelined: false, ct);
        }
    }

    internal sealed record Committed(IngestBatch? Batch, ConvertedBatch Converted);

    private async Task<Committed> CommitOnceAsync(string tenantId, string source, string? connectionId, BatchRequest request,
        RecordContext context, DateTimeOffset createdAt, bool pipelined, CancellationToken ct)
    {
        var id = context.BatchId!.Value;
        await using var db = await TenantDb.BeginAsync(databases, tenantId, ct);
        var appended = await BatchPipeline.AppendAsync(appender, db.Transaction, tenantId, request, context,
            pipelined ? BatchPipeline.ChunkSize : request.Events.Count, ct);
        var batch = appended.Converted;
        if (batch.Events.Count == 0 && batch.RejectedRecords > 0) return new Committed(null, batch); // rolled back: nothing stored

        var stored = new IngestBatch(id, tenantId, source, connectionId, batch.TotalRecords, appended.Accepted, batch.RejectedRecords,
            appended.Duplicates, batch.RejectedRecords == 0 ? IngestBatch.Completed : IngestBatch.CompletedWithErrors,
            createdAt, clock.GetUtcNow(), batch.Rejections.Select(ToError).ToList());
        await using (var insert = db.Command($"insert into ingest_batches ({Columns}) values ($1, $2, $3, $4::text, $5, $6, $7, $8, $9, $10, $11)",
            id, tenantId, source, connectionId, stored.TotalEvents, stored.Accepted, stored.Rejected, stored.Duplicates,
            stored.Status, stored.CreatedAt, stored.CompletedAt))
            await insert.ExecuteNonQueryAsync(ct);
        await IngestLedger.RecordAsync(db.Transaction, tenantId, connectionId, appended.Duplicates, batch.RejectedRecords, batch.Rejections, stored.CompletedAt, ct);
        await db.CommitAsync(ct);
        return new Committed(stored, batch);
    }

    public async Task<IReadOnlyList<IngestBatch>> ListAsync(string tenantId, int limit, CancellationToken ct = default)
    {
        await using var db = await TenantDb.BeginAsync(databases, tenantId, ct);
        await using var cmd = db.Command($"select {Columns} from ingest_batches where tenant_id = $1 order by created_at desc, id desc limit $2", tenantId, limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<IngestBatch>();
        while (await r.ReadAsync(ct)) list.Add(Read(r, null));
        return list;
    }

    /// <summary>The tenant's batch with its errors; null for an unknown id or another tenant's batch.</summary>
    public async Task<IngestBatch?> FindAsync(string tenantId, Guid id, CancellationToken ct = default)
    {
        await using var db = await TenantDb.BeginAsync(databases, tenantId, ct);
        await using var cmd = db.Command($"select {Columns} from ingest_batches where tenant_id = $1 and id = $2", tenantId, id);
        IngestBatch? batch;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            batch = await r.ReadAsync(ct) ? Read(r, null) : null;
        if (batch is null) return null;

        await using var errors = db.Command(
            "select event_index, event_type, field, reason from ingest_rejections where tenant_id = $1 and batch_id = $2 order by id", tenantId, id);
        var list = new List<BatchError>();
        await using var e = await errors.ExecuteReaderAsync(ct);
        while (await e.ReadAsync(ct)) list.Add(new BatchError(e.GetInt32(0), e.IsDBNull(1) ? null : e.GetString(1), e.GetString(2), e.GetString(3)));
        return batch with { Errors = list };
    }

    private static BatchError ToError(Rejection r) => new(r.Index ?? 0, r.EventType, r.Field, r.Reason);

    private static IngestBatch Read(NpgsqlDataReader r, IReadOnlyList<BatchError>? errors) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt32(4), r.GetInt32(5),
        r.GetInt32(6), r.GetInt32(7), r.GetString(8), r.GetFieldValue<DateTimeOffset>(9), r.GetFieldValue<DateTimeOffset>(10), errors);
}

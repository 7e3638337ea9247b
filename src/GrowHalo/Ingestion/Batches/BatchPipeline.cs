using GrowHalo.Ingestion.Adapters;
using Npgsql;
using GrowHalo.Platform.Events;

namespace GrowHalo.Ingestion.Batches;

/// <summary>
/// Converts a batch chunk by chunk and appends each chunk in the batch's one transaction while the next chunk is
/// converted: PostgreSQL plans and COPYs chunk k on its core while chunk k+1 is validated and built on another, instead
/// of the two waiting for each other. The answer is the one a single append of the whole batch gives: a later chunk's
/// plan sees the earlier chunks' rows (same transaction), so a record repeated across chunks is a duplicate, stream
/// versions run on in input order within each stream (streams are appended in stream-id order). Nothing is committed here.
/// <para>Each chunk locks its streams in sorted order, but across chunks the order is the batch's, so two batches
/// touching the same streams at once can deadlock; PostgreSQL then aborts one, and <see cref="BatchStore"/> runs it
/// again as one append, whose locks are taken in one sorted pass.</para>
/// </summary>
internal static class BatchPipeline
{
    /// <summary>
    /// Each chunk costs four round trips (plan, COPY start and end, role back), each a few milliseconds on a busy machine,
    /// while converting 1,000 orders takes about as long on two cores: measured with the bench's batch scenario, chunks
    /// of 250 or 500 did not beat one append for 1,000 orders. So a batch up to this size is one chunk, and only larger
    /// ones (up to 10,000+ orders, whose conversion is tens of milliseconds) overlap conversion with the database.
    /// </summary>
    public const int ChunkSize = 2000;

    public sealed record Appended(ConvertedBatch Converted, int Accepted, int Duplicates);

    /// <param name="chunkSize">Records per chunk; the whole batch as one chunk is one append, whose stream locks are taken
    /// in one sorted pass.</param>
    public static async Task<Appended> AppendAsync(EventAppender appender, NpgsqlTransaction tx, string tenantId, BatchRequest request, RecordContext context,
        int chunkSize, CancellationToken ct)
    {
        var total = request.Events.Count;
        var size = Math.Max(1, chunkSize);
        var parts = new List<ConvertedBatch>(total / size + 1);
        int accepted = 0, duplicates = 0;
        // The first chunk has nothing to overlap with, so it is converted on all cores; later ones on one, beside the database.
        var next = Task.FromResult(BatchConversion.Convert(tenantId, request, context, 0, Math.Min(size, total), parallel: true));
        for (var start = 0; start < total; start += size)
        {
            var part = await next;
            var following = start + size;
            if (following < total)
                next = Task.Run(() => BatchConversion.Convert(tenantId, request, context, following, Math.Min(size, total - following), parallel: false), ct);
            parts.Add(part);
            if (part.Events.Count == 0) continue;
            try
            {
                var result = await appender.AppendAsync(tx, tenantId, part.Events, ct: ct);
                accepted += result.Appended;
                duplicates += result.Duplicates;
            }
            catch
            {
                await next.ContinueWith(_ => { }, TaskScheduler.Default); // no conversion left running past the request
                throw;
            }
        }
        return new Appended(BatchConversion.Concat(parts), accepted, duplicates);
    }
}

using System.Text.Json.Serialization;

namespace GrowHalo.Ingestion.Batches;

/// <summary>
/// A batch as the API shows it. total_events = accepted + duplicates + rejected, counted per record (see
/// <see cref="BatchConversion"/>). Status: completed (nothing rejected) or completed_with_errors.
/// </summary>
public sealed record IngestBatch(
    Guid Id, string TenantId, string Source, string? ConnectionId, int TotalEvents, int Accepted, int Rejected, int Duplicates,
    string Status, DateTimeOffset CreatedAt, DateTimeOffset CompletedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<BatchError>? Errors)
{
    public const string Completed = "completed";
    public const string CompletedWithErrors = "completed_with_errors";
}

/// <summary>One rejected record: its index in events[], its type, the field and what to fix.</summary>
public sealed record BatchError(int Index, string? EventType, string Field, string Reason);

/// <summary>GET /api/v1/ingest/batches: <c>{"data": [batch, ...]}</c>, newest first.</summary>
public sealed record BatchList(IReadOnlyList<IngestBatch> Data);

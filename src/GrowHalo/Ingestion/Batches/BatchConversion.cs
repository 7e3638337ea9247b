using System.Text.Json;
using GrowHalo.Platform.Events;
using GrowHalo.Ingestion.Adapters;
using GrowHalo.Ingestion.Parsing;

namespace GrowHalo.Ingestion.Batches;

/// <summary>The events a batch yields and the records it turns away.</summary>
internal sealed record ConvertedBatch(IReadOnlyList<NewEvent> Events, IReadOnlyList<Rejection> Rejections, int RejectedRecords)
{
    public int TotalRecords => Events.Count + RejectedRecords;
}

/// <summary>
/// Turns each batch event into events through <see cref="SourceAdapters"/>, checking each on its own: a bad event is
/// listed with its index and does not stop the others. Counts are per record: a Meta <c>{data:[…]}</c> envelope or a
/// Google searchStream answer inside one batch event yields one record per row, and each row counts once in
/// total_events and in accepted, duplicates or rejected; a bad row's error names its place (payload.data[2].spend).
/// </summary>
internal static class BatchConversion
{
    /// <summary>From this many events on, they are converted on all cores (validation and event bodies are most of a
    /// large batch's CPU outside the database); each keeps its place, so the answer is the same in either case.</summary>
    private const int ParallelFrom = 64;

    /// <summary>The events[start..start+count) of the batch, with their indexes in the whole batch.</summary>
    public static ConvertedBatch Convert(string tenantId, BatchRequest request, RecordContext context, int start, int count, bool parallel)
    {
        var items = new ItemResult[count];
        if (parallel && count >= ParallelFrom)
            Parallel.For(0, count, i => items[i] = ConvertItem(tenantId, request, context, start + i));
        else
            for (var i = 0; i < count; i++) items[i] = ConvertItem(tenantId, request, context, start + i);

        var events = new List<NewEvent>(count);
        var rejections = new List<Rejection>();
        var rejected = 0;
        foreach (var item in items)
        {
            events.AddRange(item.Events);
            rejections.AddRange(item.Rejections);
            rejected += item.Rejected;
        }
        return new ConvertedBatch(events, rejections, rejected);
    }

    /// <summary>Parts converted one after the other, as one batch in order.</summary>
    public static ConvertedBatch Concat(IReadOnlyList<ConvertedBatch> parts) => parts is [var only] ? only : new ConvertedBatch(
        parts.SelectMany(p => p.Events).ToList(), parts.SelectMany(p => p.Rejections).ToList(), parts.Sum(p => p.RejectedRecords));

    private sealed record ItemResult(List<NewEvent> Events, List<Rejection> Rejections, int Rejected);

    private static ItemResult ConvertItem(string tenantId, BatchRequest request, RecordContext context, int index)
    {
        var item = request.Events[index];
        var (resource, payload, sent, externalId, errors) = ReadEnvelope(request.Source, item);
        if (errors.Count > 0)
            return new ItemResult([], errors.Select(e => new Rejection(context.BatchId, index, resource ?? EventTypeText(item), e.Field, e.Message)).ToList(), 1);
        var events = new List<NewEvent>(1);
        var rejections = new List<Rejection>();
        var rejected = 0;
        var itemContext = context with { SourceTimestamp = sent, ExternalId = externalId };
        foreach (var record in Envelopes.Unwrap(request.Source, resource!, payload))
        {
            if (record.Problem is { } problem)
            {
                rejections.Add(new Rejection(context.BatchId, index, resource, "payload." + record.Path, problem));
                rejected++;
                continue;
            }
            var adapted = SourceAdapters.ToEvent(tenantId, request.Source, resource!, record.Record, itemContext);
            if (adapted.Event is not null) { events.Add(adapted.Event); continue; }
            rejections.AddRange(adapted.Errors.Select(e => new Rejection(context.BatchId, index, resource, "payload." + record.FieldPath(e.Field), e.Message)));
            rejected++;
        }
        return new ItemResult(events, rejections, rejected);
    }

    private static (string? Resource, JsonElement Payload, DateTimeOffset? Sent, string? ExternalId, List<FieldError> Errors) ReadEnvelope(
        string source, JsonElement item)
    {
        var errors = new List<FieldError>();
        if (item.ValueKind != JsonValueKind.Object)
            return (null, default, null, null, [new FieldError("event", "must be an object {\"eventType\": …, \"payload\": {…}}")]);
        var allowed = Sources.ResourcesOf(source);
        string? resource = null;
        if (!BatchRequest.TryGet(item, out var type, "eventType", "event_type") || type.ValueKind != JsonValueKind.String)
            errors.Add(new FieldError("eventType", $"is required: one of {string.Join(", ", allowed)} for {source}"));
        else if (BatchRequest.Unstorable(type) is { } notText)
            errors.Add(new FieldError("eventType", $"{notText}; use one of {string.Join(", ", allowed)}"));
        else if (!allowed.Contains(resource = type.GetString()!.Trim().ToLowerInvariant()))
            errors.Add(new FieldError("eventType", $"'{type.GetString()}' is not a {source} event type; use one of {string.Join(", ", allowed)}"));

        if (!BatchRequest.TryGet(item, out var payload, "payload"))
            errors.Add(new FieldError("payload", "is required: the platform's record as JSON"));

        DateTimeOffset? sent = null;
        if (BatchRequest.TryGet(item, out var ts, "sourceTimestamp", "source_timestamp"))
        {
            if (ts.ValueKind == JsonValueKind.String && BatchRequest.Unstorable(ts) is null && JsonFields.TryParseTimestamp(ts.GetString(), out var parsed)) sent = parsed;
            else errors.Add(new FieldError("sourceTimestamp", $"must be an ISO 8601 timestamp such as \"2026-03-01T14:05:00Z\", got {ts.GetRawText()}"));
        }
        string? externalId = null;
        if (BatchRequest.TryGet(item, out var ext, "externalId", "external_id"))
        {
            if (ext.ValueKind is JsonValueKind.String && BatchRequest.Unstorable(ext) is { } notId) errors.Add(new FieldError("externalId", notId));
            else if (ext.ValueKind is JsonValueKind.String or JsonValueKind.Number) externalId = ext.ValueKind == JsonValueKind.String ? ext.GetString() : ext.GetRawText();
            else errors.Add(new FieldError("externalId", "must be text or a number"));
        }
        return (resource, payload, sent, externalId, errors);
    }

    private static string? EventTypeText(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && BatchRequest.TryGet(item, out var t, "eventType", "event_type") && t.ValueKind == JsonValueKind.String &&
        BatchRequest.Unstorable(t) is null ? t.GetString() : null;
}

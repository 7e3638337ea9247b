using System.Text.Json;
using GrowHalo.Ingestion;

namespace GrowHalo.Platform.Events;

/// <summary>
/// A source event to append: its deterministic id (<see cref="EventId"/>), the stream it joins, the body (a
/// <see cref="SourceRecordReceived"/>, the platform's record verbatim) and headers saying who sent it and how
/// (channel, connection, batch, delivery), which Marten keeps beside the body.
/// </summary>
public sealed record NewEvent(Guid Id, string StreamId, SourceRecordReceived Data, IReadOnlyDictionary<string, object>? Headers = null)
{
    public string Type => Data.EventType;

    /// <summary>An event whose id is derived from the tenant, the stream's source (its prefix) and the idempotency key.</summary>
    public static NewEvent Create(string tenantId, string streamId, string idempotencyKey, SourceRecordReceived data,
        IReadOnlyDictionary<string, object>? headers = null) =>
        new(IdFor(tenantId, streamId, idempotencyKey), streamId, data, headers);

    private static Guid IdFor(string tenantId, string streamId, string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        var colon = streamId.IndexOf(':');
        return EventId.For(tenantId, colon < 0 ? streamId : streamId[..colon], idempotencyKey);
    }
}

/// <summary>One JSON convention for what GrowHalo writes as JSON (event bodies, line items, variants): snake_case.</summary>
public static class EventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static JsonElement ToElement<T>(T value) =>
        value is JsonElement element ? element : JsonSerializer.SerializeToElement(value, Options);
}

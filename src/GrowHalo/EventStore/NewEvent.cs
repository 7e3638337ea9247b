using System.Text.Json;

namespace GrowHalo.EventStore;

/// <summary>
/// An event to append. Build one with <see cref="Create{T}"/> so its id is derived from its idempotency key, or with
/// <see cref="FromUtf8"/> when the body is already JSON text (ingestion wraps a platform's record as it came, so
/// serialising it again would only cost time). Either way <see cref="Data"/> is the body as JSON; the element form
/// of a UTF-8 body is made only when something asks for it.
/// </summary>
public sealed record NewEvent
{
    private readonly byte[]? _dataUtf8;
    private readonly byte[]? _metadataUtf8;
    private JsonElement? _data;
    private JsonElement? _metadata;

    public NewEvent(Guid id, string streamId, string type, JsonElement data, JsonElement? metadata = null)
    {
        (Id, StreamId, Type, _data, _metadata) = (id, streamId, type, data, metadata);
    }

    private NewEvent(Guid id, string streamId, string type, byte[] data, byte[]? metadata)
    {
        (Id, StreamId, Type, _dataUtf8, _metadataUtf8) = (id, streamId, type, data, metadata);
    }

    public Guid Id { get; init; }
    public string StreamId { get; init; }
    public string Type { get; init; }
    public JsonElement Data => _data ??= JsonElement.Parse(_dataUtf8);
    public JsonElement? Metadata => _metadata ??= _metadataUtf8 is null ? null : JsonElement.Parse(_metadataUtf8);

    /// <summary>The body as UTF-8 JSON when it was given so (else null: read <see cref="Data"/>).</summary>
    internal byte[]? DataUtf8 => _dataUtf8;

    /// <summary>The metadata as UTF-8 JSON when it was given so.</summary>
    internal byte[]? MetadataUtf8 => _metadataUtf8;

    public static NewEvent Create<T>(string tenantId, string streamId, string idempotencyKey, string type, T data, object? metadata = null) =>
        new(IdFor(tenantId, streamId, idempotencyKey), streamId, type,
            EventJson.ToElement(data),
            metadata is null ? null : EventJson.ToElement(metadata));

    /// <summary>An event whose body (and metadata) are JSON text already; the caller vouches that it is valid JSON.</summary>
    public static NewEvent FromUtf8(string tenantId, string streamId, string idempotencyKey, string type, byte[] data, byte[]? metadata = null) =>
        new(IdFor(tenantId, streamId, idempotencyKey), streamId, type, data, metadata);

    private static Guid IdFor(string tenantId, string streamId, string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        var colon = streamId.IndexOf(':');
        return EventId.For(tenantId, colon < 0 ? streamId : streamId[..colon], idempotencyKey);
    }

}

/// <summary>One JSON convention for event bodies: snake_case, verbatim JsonElements for raw payloads.</summary>
public static class EventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static JsonElement ToElement<T>(T value) =>
        value is JsonElement element ? element : JsonSerializer.SerializeToElement(value, Options);
}

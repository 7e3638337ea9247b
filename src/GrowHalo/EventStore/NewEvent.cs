using System.Text.Json;

namespace GrowHalo.EventStore;

/// <summary>An event to append. Build one with <see cref="Create{T}"/> so its id is derived from its idempotency key.</summary>
public sealed record NewEvent(Guid Id, string StreamId, string Type, JsonElement Data, JsonElement? Metadata = null)
{
    public static NewEvent Create<T>(string tenantId, string streamId, string idempotencyKey, string type, T data, object? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        var colon = streamId.IndexOf(':');
        var source = colon < 0 ? streamId : streamId[..colon];
        return new NewEvent(
            EventId.For(tenantId, source, idempotencyKey), streamId, type,
            EventJson.ToElement(data),
            metadata is null ? null : EventJson.ToElement(metadata));
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

using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace GrowHalo.Ingestion.Adapters;

/// <summary>
/// Writes a source event's body (<see cref="SourceRecordReceived"/>) and metadata straight to JSON, the same JSON the
/// serializer gives with <c>EventJson.Options</c>, but with the raw record copied in as the bytes it arrived as: the
/// serializer re-encodes a JsonElement token by token, which was a large share of a webhook's CPU.
/// </summary>
internal static class SourceEventJson
{
    // One buffer and writer per thread: converting a record never awaits, so nothing else uses them meanwhile.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    public static JsonElement Body(string source, RecordContext context, JsonElement payload)
    {
        var w = Start();
        w.WriteStartObject();
        w.WriteString("source", source);
        w.WriteString("channel", context.Channel);
        w.WriteString("topic", context.Topic);
        w.WriteString("received_at", context.ReceivedAt);
        w.WriteString("connection_id", context.ConnectionId);
        w.WritePropertyName("payload");
        // The payload is an element of a parsed document, so its raw bytes are valid JSON already.
        w.WriteRawValue(JsonMarshal.GetRawUtf8Value(payload), skipInputValidation: true);
        w.WriteEndObject();
        return Finish(w);
    }

    /// <summary>Who sent it and how, for status pages and tracing; null fields are left out.</summary>
    public static JsonElement Metadata(RecordContext c)
    {
        var w = Start();
        w.WriteStartObject();
        w.WriteString("channel", c.Channel);
        if (c.ConnectionId is not null) w.WriteString("connection_id", c.ConnectionId);
        if (c.BatchId is not null) w.WriteString("batch_id", c.BatchId.Value);
        if (c.DeliveryId is not null) w.WriteString("delivery_id", c.DeliveryId);
        if (c.ExternalId is not null) w.WriteString("external_id", c.ExternalId);
        if (c.SourceTimestamp is not null) w.WriteString("source_timestamp", c.SourceTimestamp.Value);
        w.WriteEndObject();
        return Finish(w);
    }

    private static Utf8JsonWriter Start()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(8192);
        buffer.ResetWrittenCount();
        if (t_writer is null) t_writer = new Utf8JsonWriter(buffer);
        else t_writer.Reset(buffer);
        return t_writer;
    }

    private static JsonElement Finish(Utf8JsonWriter writer)
    {
        writer.Flush();
        var element = JsonElement.Parse(t_buffer!.WrittenSpan); // its own copy: the buffer is reused
        if (t_buffer.Capacity > 1024 * 1024) t_buffer = null; // do not keep a huge record's buffer alive on the thread
        return element;
    }
}

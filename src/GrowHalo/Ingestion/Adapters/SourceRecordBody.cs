using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace GrowHalo.Ingestion.Adapters;

/// <summary>
/// A source event's body and metadata as UTF-8 JSON, written directly: the JSON of <see cref="SourceRecordReceived"/>
/// (snake_case, as <see cref="EventStore.EventJson"/> would serialise it) with the platform's record copied in as the
/// bytes it came as. Serialising the record through an element again was a third of a batch's conversion time.
/// </summary>
internal static class SourceRecordBody
{
    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;
    [ThreadStatic] private static Utf8JsonWriter? _writer;

    public static byte[] Data(string source, RecordContext c, JsonElement payload) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("source", source);
        w.WriteString("channel", c.Channel);
        if (c.Topic is null) w.WriteNull("topic"); else w.WriteString("topic", c.Topic);
        w.WriteString("received_at", c.ReceivedAt);
        if (c.ConnectionId is null) w.WriteNull("connection_id"); else w.WriteString("connection_id", c.ConnectionId);
        w.WritePropertyName("payload");
        w.WriteRawValue(JsonMarshal.GetRawUtf8Value(payload), skipInputValidation: true); // parsed already: valid JSON
        w.WriteEndObject();
    });

    /// <summary>Who sent it and how, for status pages and tracing; null fields are left out.</summary>
    public static byte[] Metadata(RecordContext c) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("channel", c.Channel);
        if (c.ConnectionId is not null) w.WriteString("connection_id", c.ConnectionId);
        if (c.BatchId is not null) w.WriteString("batch_id", c.BatchId.Value);
        if (c.DeliveryId is not null) w.WriteString("delivery_id", c.DeliveryId);
        if (c.ExternalId is not null) w.WriteString("external_id", c.ExternalId);
        if (c.SourceTimestamp is not null) w.WriteString("source_timestamp", c.SourceTimestamp.Value);
        w.WriteEndObject();
    });

    /// <summary>One writer and buffer per thread, reused: only the finished bytes are allocated.</summary>
    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(4096);
        var writer = _writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        write(writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}

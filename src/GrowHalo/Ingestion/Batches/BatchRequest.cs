using System.Text;
using System.Text.Json;
using GrowHalo.Platform.Events;
using GrowHalo.Ingestion.Adapters;
using GrowHalo.Ingestion.Http;

namespace GrowHalo.Ingestion.Batches;

/// <summary>
/// The body of POST /api/v1/ingest/batch: <c>{source, events:[{eventType, payload, sourceTimestamp?, externalId?}]}</c>,
/// in the v1 contract's camelCase or in snake_case, with an optional <c>connection_id</c>. Only what makes the whole
/// request unusable is checked here; each event is checked on its own by <see cref="BatchConversion"/>.
/// </summary>
internal sealed record BatchRequest(string Source, string? ConnectionId, IReadOnlyList<JsonElement> Events)
{
    public static Attempt<BatchRequest> Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return Fail($"The body must be a JSON object {{\"source\": \"shopify\", \"events\": [...]}}, not {Kind(root)}.");
        if (!TryGet(root, out var sourceElement, "source") || sourceElement.ValueKind != JsonValueKind.String || Unstorable(sourceElement) is not null)
            return Fail($"source is required: one of {string.Join(", ", Sources.All)} (the platform the events come from).");
        var source = Sources.Normalize(sourceElement.GetString());
        if (source is null)
            return Fail($"source '{sourceElement.GetString()}' is unknown. Use one of {string.Join(", ", Sources.All)}.");
        if (!TryGet(root, out var events, "events") || events.ValueKind != JsonValueKind.Array)
            return Fail("events is required: a JSON array of {\"eventType\": \"order\", \"payload\": {...}} objects.");
        string? connection = null;
        if (TryGet(root, out var c, "connection_id", "connectionId"))
        {
            if (c.ValueKind != JsonValueKind.String || Unstorable(c) is not null)
                return Fail("connection_id must be a connection's id as text (see GET /api/v1/ingest/connections).");
            connection = c.GetString();
        }
        return new BatchRequest(source, connection, events.EnumerateArray().ToList());
    }

    public static bool TryGet(JsonElement obj, out JsonElement value, params string[] names)
    {
        foreach (var name in names)
            if (obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null) return true;
        value = default;
        return false;
    }

    /// <summary>Why a string of the envelope cannot be read as text (\u0000, half a surrogate pair), or null: its raw JSON is checked, as reading it would throw.</summary>
    public static string? Unstorable(JsonElement text) => StorableJson.FindProblem(Encoding.UTF8.GetBytes(text.GetRawText()))?.Reason;

    private static Attempt<BatchRequest> Fail(string detail) => Attempt<BatchRequest>.Fail(IngestProblems.BadRequest(detail));
    private static string Kind(JsonElement e) => e.ValueKind == JsonValueKind.Array ? "an array" : e.ValueKind.ToString().ToLowerInvariant();
}

using System.Text.Json;

namespace GrowHalo.Ingestion.Adapters;

/// <summary>One record found in a body, and where it sits in it ("" for the body itself, "data[2]" inside an envelope).</summary>
public sealed record EnvelopeItem(JsonElement Record, string Path)
{
    public string FieldPath(string field) => Path.Length == 0 ? field : $"{Path}.{field}";
}

/// <summary>
/// The records inside what a platform sends: Meta's <c>{data:[…]}</c>, Google's searchStream answer
/// (<c>[{results:[…]}]</c> or <c>{results:[…]}</c>) or a list of rows, Shopify's REST wrapper
/// (<c>{"order":{…}}</c>) — or the record itself. Each record is kept verbatim as an element of the body.
/// </summary>
public static class Envelopes
{
    public static IReadOnlyList<EnvelopeItem> Unwrap(string source, string resource, JsonElement body) => source switch
    {
        Sources.Meta when body.ValueKind == JsonValueKind.Object && Array(body, "data") is { } data => Items(data, "data"),
        Sources.Meta or Sources.Google when body.ValueKind == JsonValueKind.Array => Rows(body),
        Sources.Google when body.ValueKind == JsonValueKind.Object && Array(body, "results") is { } results => Items(results, "results"),
        Sources.Shopify when body.ValueKind == JsonValueKind.Object && IsWrapper(body, resource, out var inner) => [new(inner, resource)],
        _ => [new(body, "")],
    };

    /// <summary>A top-level array: searchStream batches ({results:[…]}) or rows.</summary>
    private static List<EnvelopeItem> Rows(JsonElement array)
    {
        var items = new List<EnvelopeItem>();
        var i = 0;
        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind == JsonValueKind.Object && Array(element, "results") is { } results) items.AddRange(Items(results, $"[{i}].results"));
            else if (element.ValueKind == JsonValueKind.Object && Array(element, "data") is { } data) items.AddRange(Items(data, $"[{i}].data"));
            else items.Add(new(element, $"[{i}]"));
            i++;
        }
        return items;
    }

    private static List<EnvelopeItem> Items(JsonElement array, string path) =>
        array.EnumerateArray().Select((e, i) => new EnvelopeItem(e, $"{path}[{i}]")).ToList();

    private static JsonElement? Array(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v : null;

    /// <summary>REST answers wrap one record in its resource name: {"order": {...}}. Only a lone wrapper counts.</summary>
    private static bool IsWrapper(JsonElement body, string resource, out JsonElement inner)
    {
        inner = default;
        var properties = body.EnumerateObject(); // a struct: no using, which would make MoveNext act on a copy
        if (!properties.MoveNext() || properties.Current.Name != resource || properties.Current.Value.ValueKind != JsonValueKind.Object) return false;
        inner = properties.Current.Value;
        return !properties.MoveNext();
    }
}

using System.Text.Json;

namespace GrowHalo.Ingestion.Adapters;

/// <summary>
/// One record found in a body, and where it sits in it ("" for the body itself, "data[2]" inside an envelope); or, with
/// a <paramref name="Problem"/>, an envelope whose list of records is not a list (<paramref name="Path"/> names it).
/// </summary>
public sealed record EnvelopeItem(JsonElement Record, string Path, string? Problem = null)
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
        Sources.Meta when body.ValueKind == JsonValueKind.Object && List(body, "data", "") is { } data => data,
        Sources.Meta or Sources.Google when body.ValueKind == JsonValueKind.Array => Rows(body),
        Sources.Google when body.ValueKind == JsonValueKind.Object && List(body, "results", "") is { } results => results,
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
            if (element.ValueKind == JsonValueKind.Object && List(element, "results", $"[{i}].") is { } results) items.AddRange(results);
            else if (element.ValueKind == JsonValueKind.Object && List(element, "data", $"[{i}].") is { } data) items.AddRange(data);
            else items.Add(new(element, $"[{i}]"));
            i++;
        }
        return items;
    }

    /// <summary>
    /// The records of an envelope's list (Meta's <c>data</c>, Google's <c>results</c>), or null when <paramref name="obj"/>
    /// has no such list. A list that is not an array is a problem named by its path, not a record: read as the record
    /// itself it would be refused for fields it was never meant to have.
    /// </summary>
    private static List<EnvelopeItem>? List(JsonElement obj, string name, string prefix)
    {
        if (!obj.TryGetProperty(name, out var list)) return null;
        var path = prefix + name;
        return list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select((e, i) => new EnvelopeItem(e, $"{path}[{i}]")).ToList()
            : [new EnvelopeItem(list, path, $"must be an array of the platform's rows, not {Kind(list.ValueKind)}")];
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        _ => "null",
    };

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

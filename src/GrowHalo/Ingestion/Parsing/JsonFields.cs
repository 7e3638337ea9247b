using System.Globalization;
using System.Text.Json;

namespace GrowHalo.Ingestion.Parsing;

/// <summary>
/// Reads fields of a platform record leniently where platforms differ (money as "12.50" or 12.5, ids as numbers,
/// strings or Shopify GraphQL gids) and strictly where it matters, collecting one clear error per bad field.
/// </summary>
public sealed class JsonFields(JsonElement element, string path = "")
{
    private readonly List<FieldError> _errors = [];
    public IReadOnlyList<FieldError> Errors => _errors;
    public JsonElement Element => element;

    public bool Has(string name) => TryGet(name, out _);

    public bool TryGet(string name, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object) return false;
        // Spans, not string.Split: a record's fields are looked up dozens of times per webhook.
        var names = name.AsSpan();
        foreach (var alternative in names.Split('|'))
        {
            var candidate = names[alternative];
            var current = element;
            var found = true;
            foreach (var part in candidate.Split('.'))
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(candidate[part], out current)) { found = false; break; }
            }
            if (found && current.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)) { value = current; return true; }
        }
        return false;
    }

    public JsonFields? Object(string name) => TryGet(name, out var v) && v.ValueKind == JsonValueKind.Object ? new JsonFields(v, Path(name)) : null;

    public IEnumerable<JsonElement> Array(string name)
    {
        if (!TryGet(name, out var v)) return [];
        if (v.ValueKind == JsonValueKind.Array) return v.EnumerateArray().ToList();
        // GraphQL connections: { edges: [{ node }] } or { nodes: [] }
        if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("nodes", out var nodes) && nodes.ValueKind == JsonValueKind.Array) return nodes.EnumerateArray().ToList();
        if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("edges", out var edges) && edges.ValueKind == JsonValueKind.Array)
            return edges.EnumerateArray().Where(e => e.TryGetProperty("node", out _)).Select(e => e.GetProperty("node")).ToList();
        return [];
    }

    public string? String(string name, bool required = false)
    {
        if (!TryGet(name, out var v)) { Missing(name, required, "text"); return null; }
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
            _ => WrongNull(name, $"must be text, got {Kind(v)}"),
        };
    }

    /// <summary>An id as text: 123, "123" and "gid://shopify/Order/123" all give "123".</summary>
    public string? Id(string name, bool required = false)
    {
        var raw = String(name, required);
        if (raw is null) return null;
        var slash = raw.LastIndexOf('/');
        return raw.StartsWith("gid://", StringComparison.Ordinal) && slash >= 0 ? raw[(slash + 1)..] : raw;
    }

    public decimal? Decimal(string name, bool required = false)
    {
        if (!TryGet(name, out var v)) { Missing(name, required, "an amount"); return null; }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var n)) return n;
        if (v.ValueKind == JsonValueKind.String &&
            decimal.TryParse(v.GetString(), NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var s)) return s;
        Wrong(name, $"must be a decimal amount such as \"19.99\", got {Show(v)}");
        return null;
    }

    public long? Long(string name, bool required = false)
    {
        if (!TryGet(name, out var v)) { Missing(name, required, "a whole number"); return null; }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n)) return n;
        if (v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)) return s;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) && d == decimal.Truncate(d)) return (long)d;
        Wrong(name, $"must be a whole number, got {Show(v)}");
        return null;
    }

    public bool? Bool(string name)
    {
        if (!TryGet(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(v.GetString(), out var b) => b,
            _ => WrongBool(name, $"must be true or false, got {Show(v)}"),
        };
    }

    public DateTimeOffset? Timestamp(string name, bool required = false)
    {
        if (!TryGet(name, out var v)) { Missing(name, required, "a timestamp"); return null; }
        if (v.ValueKind == JsonValueKind.String && TryParseTimestamp(v.GetString(), out var t)) return t;
        Wrong(name, $"must be an ISO 8601 timestamp such as \"2026-03-01T14:05:00-05:00\", got {Show(v)}");
        return null;
    }

    /// <summary>
    /// ISO 8601 only (2026-03-01T14:05:00-05:00, or a bare date as midnight UTC); no offset means UTC. Culture formats
    /// such as 03/01/2026 are refused: they read as 1 March in one country and 3 January in another.
    /// </summary>
    public static bool TryParseTimestamp(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is { Length: >= 10 } && char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[3]) && text[4] == '-' && text[7] == '-' &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    public DateOnly? Date(string name, bool required = false)
    {
        if (!TryGet(name, out var v)) { Missing(name, required, "a date"); return null; }
        if (v.ValueKind == JsonValueKind.String &&
            DateOnly.TryParseExact(v.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        Wrong(name, $"must be a date as YYYY-MM-DD, got {Show(v)}");
        return null;
    }

    public void Error(string name, string message) => _errors.Add(new FieldError(Path(name), message));

    private void Missing(string name, bool required, string what)
    {
        if (required) Error(name.Split('|')[0], $"is required ({what})");
    }

    private void Wrong(string name, string message) => Error(name.Split('|')[0], message);
    private string? WrongNull(string name, string message) { Wrong(name, message); return null; }
    private bool? WrongBool(string name, string message) { Wrong(name, message); return null; }

    private string Path(string name) => path.Length == 0 ? name.Split('|')[0] : $"{path}.{name.Split('|')[0]}";
    private static string Kind(JsonElement v) => v.ValueKind.ToString().ToLowerInvariant();
    private static string Show(JsonElement v) { var raw = v.GetRawText(); return raw.Length > 40 ? raw[..40] + "…" : raw; }
}

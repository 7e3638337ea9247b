using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace GrowHalo.Ingestion.Parsing;

/// <summary>
/// Reads fields of a platform record leniently where platforms differ (money as "12.50" or 12.5, ids as numbers,
/// strings or Shopify GraphQL gids) and strictly where it matters, collecting one clear error per bad field.
/// </summary>
public sealed class JsonFields(JsonElement element, string path = "") : IDisposable
{
    private readonly List<FieldError> _errors = [];
    public IReadOnlyList<FieldError> Errors => _errors;
    public JsonElement Element => element;

    public bool Has(string name) => TryGet(name, out _);

    public bool TryGet(string name, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object) return false;
        foreach (var alternative in Names.Of(name))
        {
            if (!TryGetOwn(alternative[0], out var current)) continue;
            var found = true;
            foreach (var part in alternative.AsSpan(1))
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part.Utf8, out current)) { found = false; break; }
            }
            if (found && current.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)) { value = current; return true; }
        }
        return false;
    }

    private PropertyIndex _index;
    private bool _indexed;

    /// <summary>A property of this object: through an index when the object is large (a Shopify order has ~70).</summary>
    private bool TryGetOwn(Name name, out JsonElement value)
    {
        if (!_indexed)
        {
            _indexed = true;
            _index = PropertyIndex.For(element);
        }
        return _index.IsBuilt ? _index.TryGet(name, out value) : element.TryGetProperty(name.Utf8, out value);
    }

    /// <summary>Gives the index's pooled arrays back; a lookup after this scans (or indexes anew).</summary>
    public void Dispose()
    {
        _index.Return();
        (_index, _indexed) = (default, false);
    }

    /// <summary>One part of a field name, as UTF-8, with its hash.</summary>
    private readonly record struct Name(byte[] Utf8, int Hash)
    {
        public static Name Of(string text)
        {
            var utf8 = System.Text.Encoding.UTF8.GetBytes(text);
            return new Name(utf8, PropertyIndex.Hash(utf8));
        }
    }

    /// <summary>
    /// A field name's alternatives ("a|b") and their dotted parts ("a.b.c"), made once per name: a record's fields are
    /// looked up dozens of times per record, and a name given as UTF-16 is transcoded on every lookup. Names are the
    /// parsers' literals, so they are cached by reference; past a bound (names made at run time) they are made anew.
    /// </summary>
    private static class Names
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Name[][]> Cache = new(ReferenceEqualityComparer.Instance);

        public static Name[][] Of(string name)
        {
            if (Cache.TryGetValue(name, out var parts)) return parts;
            parts = name.Split('|').Select(a => a.Split('.').Select(Name.Of).ToArray()).ToArray();
            if (Cache.Count < 4096) Cache.TryAdd(name, parts);
            return parts;
        }
    }

    /// <summary>
    /// A large object's properties by the hash of their names. JsonElement.TryGetProperty compares the name with each
    /// property in turn, and a parser looks up dozens of names, many of them absent (an alternative spelling, an
    /// optional field): on a Shopify order that scanning was most of the parse. Objects with an escaped property name
    /// are not indexed (the raw name would not hash like the name it stands for).
    /// </summary>
    private readonly struct PropertyIndex
    {
        private const int IndexFrom = 16;
        private readonly int[]? _hashes;
        private readonly JsonProperty[]? _properties;
        private readonly int _count;

        private PropertyIndex(int[] hashes, JsonProperty[] properties, int count) => (_hashes, _properties, _count) = (hashes, properties, count);

        public bool IsBuilt => _hashes is not null;

        /// <summary>The index of a large object without escaped names; else none (default).</summary>
        public static PropertyIndex For(JsonElement obj)
        {
            var count = obj.GetPropertyCount();
            if (count < IndexFrom) return default;
            var hashes = ArrayPool<int>.Shared.Rent(count);
            var properties = ArrayPool<JsonProperty>.Shared.Rent(count);
            var i = 0;
            foreach (var property in obj.EnumerateObject())
            {
                var raw = JsonMarshal.GetRawUtf8PropertyName(property);
                if (raw.Contains((byte)'\\'))
                {
                    new PropertyIndex(hashes, properties, 0).Return();
                    return default;
                }
                hashes[i] = Hash(raw);
                properties[i++] = property;
            }
            return new PropertyIndex(hashes, properties, i);
        }

        public void Return()
        {
            if (_hashes is not null) ArrayPool<int>.Shared.Return(_hashes);
            if (_properties is not null) ArrayPool<JsonProperty>.Shared.Return(_properties, clearArray: true);
        }

        /// <summary>Like JsonElement.TryGetProperty: when a name repeats, the last one wins.</summary>
        public bool TryGet(Name name, out JsonElement value)
        {
            var hashes = _hashes.AsSpan(0, _count);
            for (var at = hashes.LastIndexOf(name.Hash); at >= 0; at = hashes[..at].LastIndexOf(name.Hash))
            {
                if (_properties![at].NameEquals(name.Utf8)) { value = _properties[at].Value; return true; }
            }
            value = default;
            return false;
        }

        public static int Hash(ReadOnlySpan<byte> utf8)
        {
            var hash = 2166136261u; // FNV-1a
            foreach (var b in utf8) hash = (hash ^ b) * 16777619u;
            return (int)hash;
        }
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

    public const int MaxIdLength = 255;

    /// <summary>An id as text: 123, "123" and "gid://shopify/Order/123" all give "123".</summary>
    public string? Id(string name, bool required = false)
    {
        var raw = String(name, required);
        if (raw is null) return null;
        // An id names the record's stream, which PostgreSQL indexes (at most 8 KB a row): platforms' ids are far shorter.
        if (raw.Length > MaxIdLength)
        {
            Wrong(name, $"must be an id of at most {MaxIdLength} characters, got {raw.Length}");
            return null;
        }
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
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) && d == decimal.Truncate(d) && d is >= long.MinValue and <= long.MaxValue) return (long)d;
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

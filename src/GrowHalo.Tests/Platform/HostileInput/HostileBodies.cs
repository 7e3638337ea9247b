using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace GrowHalo.Tests.Platform.HostileInput;

/// <summary>
/// One hostile request body: its exact bytes (what a signature is computed over), its content type, the field it
/// attacks (null when the whole body is the attack) and what it is, for the failure message.
/// </summary>
public sealed record HostileBody(string Kind, byte[] Bytes, string ContentType, string? Field)
{
    public override string ToString()
    {
        var preview = Encoding.UTF8.GetString(Bytes, 0, Math.Min(Bytes.Length, 160)).Replace("\0", "\\0");
        return $"{Kind}{(Field is null ? "" : $" in {Field}")} ({Bytes.Length} bytes, {ContentType}): {preview}";
    }
}

/// <summary>A JSON value as raw bytes: it may be invalid UTF-8 or hold escapes a serializer would refuse to write.</summary>
public sealed record HostileValue(string Kind, byte[] Json)
{
    public static HostileValue Text(string kind, string json) => new(kind, Encoding.UTF8.GetBytes(json));
}

/// <summary>
/// FsCheck generators of hostile bodies built from an endpoint's valid body: the whole body broken (empty, truncated,
/// malformed, not an object, 10,000 levels deep, invalid UTF-8, wrong content type) or one field at a time given a
/// hostile value (wrong type, huge or negative number, NaN-like text, every Unicode oddity, deep nesting, 10 MB of
/// text) or a duplicate key.
/// </summary>
public static class HostileBodies
{
    private const string Placeholder = "\"__hostile_value__\"";
    public const int TenMegabytes = 10 * 1024 * 1024;

    public static readonly string[] WrongContentTypes =
    [
        "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/json; charset=iso-8859-1", "application/jsonx", "image/png", "*/*", "application/json; charset=utf-16",
    ];

    /// <summary>Whole bodies that are not a usable JSON object.</summary>
    public static readonly HostileValue[] BrokenDocuments =
    [
        HostileValue.Text("malformed", "{"), HostileValue.Text("malformed", "}"), HostileValue.Text("malformed", "{\"a\":}"),
        HostileValue.Text("malformed", "nul"), HostileValue.Text("malformed", "{'single': 'quotes'}"),
        HostileValue.Text("malformed", "{\"a\": 1,}"), HostileValue.Text("malformed", "<xml/>"), HostileValue.Text("malformed", "{}{}"),
        HostileValue.Text("malformed", "{\"a\": 01}"), HostileValue.Text("malformed", "/* comment */ {}"),
        HostileValue.Text("malformed", "{\"a\": \"unterminated}"), HostileValue.Text("malformed", "{\"a\" \"b\"}"),
        HostileValue.Text("malformed", "\uFEFF\uFEFF{}"), HostileValue.Text("malformed", "{\"a\": \"\\x41\"}"),
        HostileValue.Text("malformed", "{\"a\": \"\\u12\"}"), HostileValue.Text("malformed", "{\"a\": \"tab\there\"}"),
        HostileValue.Text("not an object", "[]"), HostileValue.Text("not an object", "null"), HostileValue.Text("not an object", "42"),
        HostileValue.Text("not an object", "\"text\""), HostileValue.Text("not an object", "true"), HostileValue.Text("not an object", "[{}]"),
        HostileValue.Text("empty object", "{}"), HostileValue.Text("whitespace", "   \n\t "),
        new("NUL byte", [0]), new("invalid UTF-8", [0xFF, 0xFE, 0x7B, 0x7D]),
        HostileValue.Text("deep nesting", new string('[', 10_000) + new string(']', 10_000)),
        HostileValue.Text("deep nesting", string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)),
    ];

    /// <summary>Values put in place of one field.</summary>
    public static readonly HostileValue[] Values =
    [
        // wrong types
        HostileValue.Text("wrong type", "0"), HostileValue.Text("wrong type", "1.5"), HostileValue.Text("wrong type", "true"),
        HostileValue.Text("wrong type", "false"), HostileValue.Text("wrong type", "[]"), HostileValue.Text("wrong type", "{}"),
        HostileValue.Text("wrong type", "null"), HostileValue.Text("wrong type", "\"\""), HostileValue.Text("wrong type", "\"x\""),
        HostileValue.Text("wrong type", "[1, \"a\", null]"), HostileValue.Text("wrong type", "{\"a\": {\"b\": []}}"),
        // numbers
        HostileValue.Text("huge number", "1e308"), HostileValue.Text("huge number", "-1e308"), HostileValue.Text("huge number", "1e309"),
        HostileValue.Text("negative number", "-1"), HostileValue.Text("huge number", "9223372036854775808"),
        HostileValue.Text("huge number", "-9223372036854775809"), HostileValue.Text("huge number", "18446744073709551616"),
        HostileValue.Text("huge number", "123456789012345678901234567890.123456789"), HostileValue.Text("tiny number", "1e-400"),
        HostileValue.Text("negative number", "-0"), HostileValue.Text("huge number", "2147483648"),
        HostileValue.Text("negative number", "-2147483649"), HostileValue.Text("huge number", "79228162514264337593543950336"),
        // numbers as text
        HostileValue.Text("NaN-like text", "\"NaN\""), HostileValue.Text("NaN-like text", "\"Infinity\""),
        HostileValue.Text("NaN-like text", "\"-Infinity\""), HostileValue.Text("NaN-like text", "\"1e308\""),
        HostileValue.Text("NaN-like text", "\"-1\""), HostileValue.Text("NaN-like text", "\"9223372036854775808\""),
        HostileValue.Text("NaN-like text", "\"0x10\""), HostileValue.Text("NaN-like text", "\" 1\""),
        HostileValue.Text("NaN-like text", "\"\u0661\u0662\u0663\""), HostileValue.Text("NaN-like text", "\"1e-400\""),
        // dates and times
        HostileValue.Text("bad date", "\"2026-02-30\""), HostileValue.Text("bad date", "\"0000-00-00T00:00:00Z\""),
        HostileValue.Text("bad date", "\"9999-12-31T23:59:59.9999999+14:00\""), HostileValue.Text("bad date", "\"-0001-01-01\""),
        HostileValue.Text("bad date", "\"2026-03-01T25:61:00Z\""), HostileValue.Text("bad date", "\"0001-01-01T00:00:00-14:00\""),
        // Unicode oddities (JSON escapes where a writer would refuse the character)
        HostileValue.Text("lone surrogate", "\"\\ud800\""), HostileValue.Text("lone surrogate", "\"a\\udc00b\""),
        HostileValue.Text("lone surrogate", "\"\\ud83d\""), HostileValue.Text("NUL", "\"\\u0000\""),
        HostileValue.Text("NUL", "\"shop\\u0000.myshopify.com\""), HostileValue.Text("RTL override", "\"\u202Egpj.exe\u202C\""),
        HostileValue.Text("combining marks", "\"e" + new string('\u0301', 500) + "\""),
        HostileValue.Text("emoji", "\"\U0001F469\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466\U0001F3F3\uFE0F\u200D\U0001F308\""),
        HostileValue.Text("BOM", "\"\uFEFF\""), HostileValue.Text("noncharacter", "\"\uFFFF\uFFFE\""),
        HostileValue.Text("control characters", "\"\\u0001\\u001f\\u007f\\b\\f\\r\\n\""),
        HostileValue.Text("zero width", "\"\u200B\u200C\u200D\u2060\""), HostileValue.Text("line separator", "\"\u2028\u2029\""),
        HostileValue.Text("astral", "\"\U0001D54F\U00010348\""),
        new("invalid UTF-8", [(byte)'"', 0xC3, 0x28, (byte)'"']), new("invalid UTF-8", [(byte)'"', 0xED, 0xA0, 0x80, (byte)'"']),
        new("invalid UTF-8", [(byte)'"', 0xC0, 0xAF, (byte)'"']), new("invalid UTF-8", [(byte)'"', 0xF8, 0x88, 0x80, 0x80, 0x80, (byte)'"']),
        // injection-looking text
        HostileValue.Text("injection", "\"' or 1=1 --\""), HostileValue.Text("injection", "\"<script>alert(1)</script>\""),
        HostileValue.Text("injection", "\"../../../etc/passwd\""), HostileValue.Text("injection", "\"${jndi:ldap://x/a}\""),
        HostileValue.Text("injection", "\"%00%0d%0a\""), HostileValue.Text("injection", "\"{{7*7}}\""),
        // size and depth
        HostileValue.Text("long text", "\"" + new string('x', 100_000) + "\""),
        HostileValue.Text("deep nesting", new string('[', 10_000) + new string(']', 10_000)),
        HostileValue.Text("deep nesting", string.Concat(Enumerable.Repeat("{\"a\":", 1_000)) + "1" + new string('}', 1_000)),
        HostileValue.Text("huge array", "[" + string.Join(",", Enumerable.Repeat("1", 100_000)) + "]"),
    ];

    /// <summary>10 MB of text in one field: built once, sent rarely (it is the slowest case).</summary>
    public static readonly Lazy<HostileValue> TenMegabyteText = new(() =>
    {
        var bytes = new byte[TenMegabytes + 2];
        Array.Fill(bytes, (byte)'a');
        bytes[0] = bytes[^1] = (byte)'"';
        return new HostileValue("10 MB text", bytes);
    });

    /// <summary>Every path in <paramref name="template"/> (objects' properties, arrays' first items), as a.b[0].c.</summary>
    public static IReadOnlyList<string> Paths(JsonNode template)
    {
        var paths = new List<string>();
        void Walk(JsonNode? node, string path)
        {
            if (path.Length > 0) paths.Add(path);
            switch (node)
            {
                case JsonObject o:
                    foreach (var (name, child) in o) Walk(child, path.Length == 0 ? name : $"{path}.{name}");
                    break;
                case JsonArray { Count: > 0 } a:
                    Walk(a[0], $"{path}[0]");
                    break;
            }
        }
        Walk(template, "");
        return paths;
    }

    /// <summary>The template's bytes with the value at <paramref name="path"/> replaced by <paramref name="value"/>'s bytes.</summary>
    public static byte[] Replace(JsonNode template, string path, HostileValue value)
    {
        var copy = template.DeepClone();
        var (parent, last) = Locate(copy, path);
        switch (parent)
        {
            case JsonObject o: o[last] = "__hostile_value__"; break;
            case JsonArray a: a[0] = "__hostile_value__"; break;
        }
        var text = Encoding.UTF8.GetBytes(copy.ToJsonString());
        var at = text.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Placeholder));
        return [.. text[..at], .. value.Json, .. text[(at + Placeholder.Length)..]];
    }

    private static (JsonNode Parent, string Last) Locate(JsonNode root, string path)
    {
        var steps = path.Replace("[0]", ".[0]").Split('.');
        var node = root;
        foreach (var step in steps[..^1]) node = step == "[0]" ? node[0]! : node[step]!;
        return (node, steps[^1]);
    }

    /// <summary>The template with its first top-level key repeated, the hostile value first or last (JSON readers keep the last).</summary>
    public static byte[] DuplicateKey(JsonObject template, HostileValue value, bool hostileLast)
    {
        var name = template.First().Key;
        var body = Encoding.UTF8.GetBytes(template.ToJsonString());
        var pair = Encoding.UTF8.GetBytes($"\"{name}\":").Concat(value.Json).ToArray();
        return hostileLast
            ? [.. body[..^1], (byte)',', .. pair, (byte)'}']
            : [(byte)'{', .. pair, (byte)',', .. body[1..]];
    }

    /// <summary>A generator of hostile bodies for an endpoint whose valid body is <paramref name="template"/>.</summary>
    public static Gen<HostileBody> For(Func<JsonObject> template)
    {
        var sample = template();
        var paths = Paths(sample);
        var valid = Encoding.UTF8.GetBytes(sample.ToJsonString());
        const string json = "application/json";

        var empty = Gen.Constant(new HostileBody("empty body", [], json, null));
        var truncated = Gen.Choose(1, valid.Length - 1).Select(n => new HostileBody("truncated JSON", valid[..n], json, null));
        var broken = Gen.Elements(BrokenDocuments).Select(v => new HostileBody(v.Kind, v.Json, json, null));
        var wrongType = Gen.Elements(WrongContentTypes).Select(t => new HostileBody("wrong content type", valid, t, null));
        var field =
            from path in Gen.Elements(paths.ToArray())
            from value in Gen.Elements(Values)
            select new HostileBody(value.Kind, Replace(template(), path, value), json, path);
        var huge =
            from path in Gen.Elements(paths.ToArray())
            select new HostileBody(TenMegabyteText.Value.Kind, Replace(template(), path, TenMegabyteText.Value), json, path);
        var duplicate =
            from value in Gen.Elements(Values)
            from last in Gen.Elements(true, false)
            select new HostileBody($"duplicate key ({value.Kind})", DuplicateKey(template(), value, last), json, sample.First().Key);
        var invalidUtf8 =
            from n in Gen.Choose(1, valid.Length - 1)
            select new HostileBody("invalid UTF-8 byte", [.. valid[..n], 0xFF, .. valid[n..]], json, null);

        return Gen.Frequency(
            (2, empty), (6, truncated), (8, broken), (3, wrongType), (40, field), (1, huge), (6, duplicate), (3, invalidUtf8));
    }
}

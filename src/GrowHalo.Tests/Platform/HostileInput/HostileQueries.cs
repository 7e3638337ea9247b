using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace GrowHalo.Tests.Platform.HostileInput;

/// <summary>One operation of /openapi/v1.json: its method, path template, path and query parameters, and whether it takes a body.</summary>
public sealed record Operation(string Method, string Path, IReadOnlyList<(string Name, string In)> Parameters, bool TakesBody)
{
    public string Name => $"{Method} {Path}";

    public static List<Operation> All(JsonElement document)
    {
        var operations = new List<Operation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            var shared = Params(path.Value);
            foreach (var method in path.Value.EnumerateObject().Where(m => m.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var parameters = shared.Concat(Params(method.Value)).Distinct().ToList();
                operations.Add(new Operation(method.Name.ToUpperInvariant(), path.Name, parameters, method.Value.TryGetProperty("requestBody", out _)));
            }
        }
        return operations;
    }

    private static IEnumerable<(string, string)> Params(JsonElement item) =>
        item.TryGetProperty("parameters", out var list)
            ? list.EnumerateArray().Select(p => (p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!)).Where(p => p.Item2 is "path" or "query")
            : [];
}

/// <summary>A request line with hostile values, and what was attacked.</summary>
public sealed record HostileRequest(string Url, string Parameter, string Value)
{
    public override string ToString() => $"{Parameter} = {(Value.Length > 120 ? Value[..120] + "…" : Value)} ({Url.Length} chars)";
}

/// <summary>
/// FsCheck generators of hostile query strings and path values: every documented parameter of an operation (plus the
/// names reports commonly read — start, end, limit, cursor, sort, search, granularity — in case one is read by hand)
/// gets empty, negative, huge, NaN-like, malformed-date, injection-looking, over-long, repeated or wrongly escaped text.
/// </summary>
public static class HostileQueries
{
    /// <summary>Values already percent-encoded as they go on the wire (invalid escapes and invalid UTF-8 included).</summary>
    public static readonly string[] Encoded =
    [
        "", "-1", "0", "-0", "1.5", "99999999999999999999", "9223372036854775808", "-9223372036854775809", "2147483648", "1e308", "-1e308",
        "NaN", "Infinity", "-Infinity", "0x10", "true", "null", "undefined", "%5B%5D", "%7B%7D",
        "2026-02-30", "2026-13-01", "0000-01-01", "9999-12-31", "-0001-01-01", "2026-03-01T25%3A00%3A00Z", "20260301", "yesterday",
        "9999-12-31T23%3A59%3A59.9999999%2B14%3A00", "0001-01-01T00%3A00%3A00-14%3A00",
        "%27%20or%201%3D1--", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "..%2F..%2Fetc%2Fpasswd", "%2524", "desc%3Bdrop%20table%20tenants",
        "%00", "a%00b", "%ED%A0%80", "%FF", "%C0%AF", "%E2%80%AE", "%CC%81%CC%81%CC%81", "%F0%9F%91%A9%E2%80%8D%F0%9F%91%A9", "%EF%BB%BF",
        "%", "%%", "%zz", "%u0041", "+", "%2B", "*", "-", "a,b,c", "__proto__", "%0D%0ASet-Cookie%3A%20x%3D1",
        new string('x', 10_000), string.Concat(Enumerable.Repeat("%F0%9F%92%A9", 2_000)),
    ];

    public static readonly string[] CommonNames = ["start", "end", "limit", "cursor", "sort", "search", "granularity", "from", "to", "format"];

    public static Gen<HostileRequest> For(Operation operation)
    {
        var names = operation.Parameters.Select(p => p.Name).Concat(CommonNames).Distinct().ToArray();
        return
            from name in Gen.Elements(names)
            from value in Gen.Elements(Encoded)
            from repeated in Gen.Elements(false, false, false, true)
            from pathValue in Gen.Elements(Encoded.Where(v => v.Length > 0).ToArray())
            select Build(operation, name, value, repeated, pathValue);
    }

    private static HostileRequest Build(Operation operation, string name, string value, bool repeated, string pathValue)
    {
        var isPath = operation.Parameters.Contains((name, "path"));
        // The TestServer's client refuses a path holding %00 itself (Kestrel answers it 400): an overlong NUL goes there instead.
        if (isPath) value = value.Replace("%00", "%C0%80");
        pathValue = pathValue.Replace("%00", "%C0%80");
        var path = operation.Path;
        foreach (var (p, _) in operation.Parameters.Where(p => p.In == "path"))
            path = path.Replace($"{{{p}}}", p == name ? (value.Length == 0 ? "%20" : value) : pathValue);
        var query = isPath ? "" : repeated ? $"?{name}={value}&{name}=1" : $"?{name}={value}";
        return new HostileRequest(path + query, isPath ? $"path {name}" : name, value);
    }
}

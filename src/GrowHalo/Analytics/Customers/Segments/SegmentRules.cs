using System.Globalization;
using System.Text.Json;
using GrowHalo.Analytics.Metrics;

namespace GrowHalo.Analytics.Customers.Segments;

/// <summary>A segment's rules: groups of conditions, all or any of which a member meets.</summary>
public abstract record SegmentRule;

public sealed record RuleGroup(bool All, IReadOnlyList<SegmentRule> Rules) : SegmentRule;

/// <summary>
/// One condition, its value(s) checked and typed for the field: <c>long</c> (counts, scores, days), <c>decimal</c>
/// (money), <c>double</c> (probability), <see cref="DateOnly"/>, <c>string</c> or <c>bool</c>; one value, two for
/// between, several for in.
/// </summary>
public sealed record RuleCondition(SegmentField Field, string Op, IReadOnlyList<object> Values) : SegmentRule;

/// <summary>
/// Reads rules sent as JSON (<c>{"all": [...]}</c> or <c>{"any": [...]}</c>, nested, of conditions
/// <c>{"field", "op", "value"}</c>), reporting each problem at its path (<c>rules.all[1].op</c>) with what is allowed.
/// </summary>
public static class SegmentRules
{
    public const int MaxDepth = 4;
    public const int MaxConditions = 50;
    public const int MaxValues = 100;
    public const int MaxDays = 36_500;
    private const string Shape = "{\"all\": [...]} or {\"any\": [...]} of conditions {\"field\", \"op\", \"value\"} and groups";

    /// <summary>The rules, or null when they are not usable (then <paramref name="errors"/> says why, per path).</summary>
    public static SegmentRule? Parse(JsonElement? rules, Validation errors)
    {
        if (rules is not { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } root)
        {
            errors.Add("rules", $"are required: {Shape}.");
            return null;
        }
        var reader = new Reader(errors);
        var rule = reader.Group(root, "rules", 1);
        if (reader.Conditions > MaxConditions) errors.Add("rules", $"hold {reader.Conditions} conditions; at most {MaxConditions} are allowed.");
        return reader.Failed || reader.Conditions > MaxConditions ? null : rule;
    }

    private sealed class Reader(Validation errors)
    {
        public int Conditions { get; private set; }
        public bool Failed { get; private set; }

        private SegmentRule? Error(string path, string message)
        {
            errors.Add(path, message);
            Failed = true;
            return null;
        }

        private static bool IsGroup(JsonElement e) =>
            e.ValueKind == JsonValueKind.Object && (e.TryGetProperty("all", out _) || e.TryGetProperty("any", out _));

        public SegmentRule? Group(JsonElement e, string path, int depth)
        {
            if (e.ValueKind != JsonValueKind.Object) return Error(path, $"must be a group: {Shape}.");
            var keys = e.EnumerateObject().Select(p => p.Name).ToList();
            if (keys is not ["all" or "any"])
                return Error(path, $"must be a group with exactly one key, \"all\" or \"any\" (got {(keys.Count == 0 ? "none" : string.Join(", ", keys))}).");
            if (depth > MaxDepth) return Error(path, $"nests groups {depth} deep; at most {MaxDepth} levels of groups are allowed.");
            var key = keys[0];
            var list = e.GetProperty(key);
            var listPath = $"{path}.{key}";
            if (list.ValueKind != JsonValueKind.Array) return Error(listPath, "must be an array of conditions {\"field\", \"op\", \"value\"} and groups.");
            if (list.GetArrayLength() == 0) return Error(listPath, "is empty: give at least one condition {\"field\", \"op\", \"value\"} or group.");
            var rules = new List<SegmentRule?>();
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                var itemPath = $"{listPath}[{i++}]";
                rules.Add(IsGroup(item) ? Group(item, itemPath, depth + 1) : Condition(item, itemPath));
            }
            return rules.Contains(null) ? null : new RuleGroup(key == "all", rules!);
        }

        private SegmentRule? Condition(JsonElement e, string path)
        {
            Conditions++;
            if (e.ValueKind != JsonValueKind.Object)
                return Error(path, "must be a condition {\"field\", \"op\", \"value\"} or a group {\"all\": [...]} / {\"any\": [...]}.");
            var failed = false;
            foreach (var extra in e.EnumerateObject().Where(p => p.Name is not ("field" or "op" or "value")))
                failed |= Error($"{path}.{extra.Name}", "is not part of a condition: a condition has field, op and value (a group has all or any).") is null;
            var fields = string.Join(", ", SegmentFields.All.Select(f => f.Name));
            if (!e.TryGetProperty("field", out var name) || name.ValueKind != JsonValueKind.String)
                return Error($"{path}.field", $"is required, as a string. Allowed: {fields}.");
            if (SegmentFields.Find(name.GetString()!) is not { } field)
                return Error($"{path}.field", $"\"{name.GetString()}\" is not a field. Allowed: {fields}.");
            var ops = string.Join(", ", field.Ops);
            if (!e.TryGetProperty("op", out var opElement) || opElement.ValueKind != JsonValueKind.String)
                return Error($"{path}.op", $"is required, as a string. Allowed for {field.Name}: {ops}.");
            var op = opElement.GetString()!;
            if (!field.Ops.Contains(op))
                return Error($"{path}.op", $"\"{op}\" does not apply to {field.Name} ({SegmentFields.ValueOf(field)}). Allowed for {field.Name}: {ops}.");
            if (!e.TryGetProperty("value", out var value))
                return Error($"{path}.value", $"is required: {Expected(field, op)}.");
            var values = Values(field, op, value);
            if (values is null) return Error($"{path}.value", $"must be {Expected(field, op)}; got {Show(value)}.");
            return failed ? null : new RuleCondition(field, op, values);
        }

        private static string Expected(SegmentField field, string op) => op switch
        {
            "between" => $"[low, high]: two of {SegmentFields.ValueOf(field)}, low ≤ high",
            "in" => $"an array of 1 to {MaxValues} of {SegmentFields.ValueOf(field)}",
            "within_last_days" => $"a whole number of days from 1 to {MaxDays} (the days ending today, today included)",
            _ => SegmentFields.ValueOf(field),
        };

        private static string Show(JsonElement value)
        {
            var text = value.GetRawText();
            return text.Length <= 60 ? text : text[..57] + "...";
        }

        private static IReadOnlyList<object>? Values(SegmentField field, string op, JsonElement value)
        {
            switch (op)
            {
                case "within_last_days":
                    return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var days) && days is >= 1 and <= MaxDays ? [(long)days] : null;
                case "between":
                    if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 2) return null;
                    var low = One(field, value[0]);
                    var high = One(field, value[1]);
                    return low is not null && high is not null && Comparer<object>.Default.Compare(low, high) <= 0 ? [low, high] : null;
                case "in":
                    if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() is 0 or > MaxValues) return null;
                    var items = value.EnumerateArray().Select(v => One(field, v)).ToList();
                    return items.Contains(null) ? null : items.Distinct().Select(i => i!).ToList();
                default:
                    return One(field, value) is { } one ? [one] : null;
            }
        }

        /// <summary>One value of the field's kind, or null when it is not one.</summary>
        private static object? One(SegmentField field, JsonElement v)
        {
            var number = v.ValueKind == JsonValueKind.Number;
            var text = v.ValueKind == JsonValueKind.String ? v.GetString()! : null;
            return field.Kind switch
            {
                FieldKind.Count => number && v.TryGetInt32(out var n) && n >= 0 ? (long)n : null,
                FieldKind.Score => number && v.TryGetInt32(out var n) && n is >= 1 and <= 5 ? (long)n : null,
                FieldKind.DaysAgo => number && v.TryGetInt32(out var n) && n is >= 0 and <= MaxDays ? (long)n : null,
                FieldKind.Money => number && v.TryGetDecimal(out var d) && d == Math.Round(d, 2) ? d : null,
                FieldKind.Probability => number && v.TryGetDouble(out var p) && p is >= 0 and <= 1 ? p : null,
                FieldKind.Day => text is not null && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null,
                FieldKind.Choice => text is null ? null : field.Choices!.FirstOrDefault(c => string.Equals(c, text, StringComparison.OrdinalIgnoreCase)),
                FieldKind.Text or FieldKind.Tags => text is { Length: > 0 and <= 200 } && text.Trim().Length > 0 ? text.Trim() : null,
                FieldKind.Flag => v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null,
                _ => null,
            };
        }
    }
}

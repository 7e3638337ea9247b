namespace GrowHalo.Analytics.Customers.Segments;

/// <summary>
/// Compiles rules into one parameterised SQL condition over <c>customers c</c> and <c>customer_scores s</c>
/// (<see cref="CustomerList.From"/>). Conditions compare the stored columns themselves, so an index on a column can
/// serve them: days since the last order become a bound on <c>last_order_day</c>, and money compared as the answers
/// show it (rounded to cents) becomes a bound on the exact amount. A customer without a value for a field (no order,
/// no scoring, no customer record) meets no condition on it, <c>ne</c> included.
/// </summary>
public static class SegmentSql
{
    public static CustomerFilter Filter(SegmentRule rule, DateOnly today) => args => Compile(rule, today, args);

    private static string Compile(SegmentRule rule, DateOnly today, SqlArgs args) => rule switch
    {
        RuleGroup g => "(" + string.Join(g.All ? " and " : " or ", g.Rules.Select(r => Compile(r, today, args))) + ")",
        RuleCondition c => Condition(c, today, args),
        _ => throw new ArgumentOutOfRangeException(nameof(rule)),
    };

    private static string Condition(RuleCondition c, DateOnly today, SqlArgs args)
    {
        var column = c.Field.Sql;
        object Value(int i = 0) => c.Values[i];
        string Param(object value, string type) => $"{args.Add(value)}::{type}";
        switch (c.Field.Kind)
        {
            case FieldKind.Count or FieldKind.Score:
                return Compare(column, c.Op, c.Values.Select(v => (object)(int)(long)v).ToList(), "int", args);
            case FieldKind.Probability:
                return Compare(column, c.Op, c.Values, "float8", args);
            case FieldKind.Day when c.Op == "within_last_days":
                return $"{column} between {Param(today.AddDays(1 - (int)(long)Value()), "date")} and {Param(today, "date")}";
            case FieldKind.Day:
                return Compare(column, c.Op, c.Values, "date", args);
            case FieldKind.DaysAgo:
                return DaysAgo(column, c.Op, c.Values.Select(v => today.AddDays(-(int)(long)v)).ToList(), args);
            case FieldKind.Money:
                return Money(column, c.Op, c.Values.Cast<decimal>().ToList(), args);
            case FieldKind.Choice or FieldKind.Flag:
                return Compare(column, c.Op, c.Values, c.Field.Kind == FieldKind.Flag ? "boolean" : "text", args);
            case FieldKind.Text:
                return c.Op switch
                {
                    "contains" => $"strpos(lower({column}), lower({Param(Value(), "text")})) > 0",
                    "in" => $"lower({column}) = any(array(select lower(v) from unnest({Param(c.Values.Cast<string>().ToArray(), "text[]")}) v))",
                    _ => $"lower({column}) {Operator(c.Op)} lower({Param(Value(), "text")})",
                };
            case FieldKind.Tags:
                // @> (has every tag of) and && (shares a tag with) are what a GIN index on tags serves.
                return c.Op == "contains" ? $"{column} @> array[{Param(Value(), "text")}]" : $"{column} && {Param(c.Values.Cast<string>().ToArray(), "text[]")}";
            default:
                throw new ArgumentOutOfRangeException(nameof(c), c.Field.Kind, null);
        }
    }

    private static string Operator(string op) => op switch
    {
        "eq" => "=", "ne" => "<>", "gt" => ">", "gte" => ">=", "lt" => "<", "lte" => "<=",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    private static string Compare(string column, string op, IReadOnlyList<object> values, string type, SqlArgs args) => op switch
    {
        "between" => $"{column} between {args.Add(values[0])}::{type} and {args.Add(values[1])}::{type}",
        "in" => $"{column} = any({args.Add(ArrayOf(values, type))}::{type}[])",
        _ => $"{column} {Operator(op)} {args.Add(values[0])}::{type}",
    };

    private static Array ArrayOf(IReadOnlyList<object> values, string type) => type switch
    {
        "int" => values.Cast<int>().ToArray(),
        "text" => values.Cast<string>().ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>
    /// Days since the last order, as bounds on the day itself: more days ago is an earlier day. <paramref name="days"/>
    /// holds today − each value.
    /// </summary>
    private static string DaysAgo(string column, string op, IReadOnlyList<DateOnly> days, SqlArgs args)
    {
        string Day(int i) => $"{args.Add(days[i])}::date";
        return op switch
        {
            "eq" => $"{column} = {Day(0)}",
            "ne" => $"{column} <> {Day(0)}",
            "gt" => $"{column} < {Day(0)}",
            "gte" => $"{column} <= {Day(0)}",
            "lt" => $"{column} > {Day(0)}",
            "lte" => $"{column} >= {Day(0)}",
            "between" => $"{column} between {Day(1)} and {Day(0)}",
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
        };
    }

    /// <summary>
    /// Money as the answers show it: round(x, 2), half away from zero (Rounding.Money). For a whole-cent v, round(x) ≥ v
    /// exactly when x ≥ v − 0.005, that bound included when it rounds up to v (it is ≥ 0) and excluded when it rounds
    /// away to v − 0.01 (it is negative); the other comparisons follow from that one.
    /// </summary>
    private static string Money(string column, string op, IReadOnlyList<decimal> values, SqlArgs args)
    {
        string AtLeast(decimal v) { var b = v - 0.005m; return $"{column} {(b >= 0 ? ">=" : ">")} {args.Add(b)}::numeric"; }
        string Below(decimal v) { var b = v - 0.005m; return $"{column} {(b >= 0 ? "<" : "<=")} {args.Add(b)}::numeric"; }
        string AtMost(decimal v) => Below(v + 0.01m);
        return op switch
        {
            "gte" => AtLeast(values[0]),
            "gt" => AtLeast(values[0] + 0.01m),
            "lt" => Below(values[0]),
            "lte" => AtMost(values[0]),
            "eq" => $"({AtLeast(values[0])} and {AtMost(values[0])})",
            "ne" => $"({Below(values[0])} or {AtLeast(values[0] + 0.01m)})",
            "between" => $"({AtLeast(values[0])} and {AtMost(values[1])})",
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
        };
    }
}

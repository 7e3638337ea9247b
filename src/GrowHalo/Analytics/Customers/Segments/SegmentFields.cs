namespace GrowHalo.Analytics.Customers.Segments;

/// <summary>What a field's values are, which decides the operators and values a condition on it takes.</summary>
public enum FieldKind
{
    Count,        // a whole number ≥ 0
    Score,        // an RFM score, 1–5
    DaysAgo,      // whole days from the last order to the tenant's today
    Money,        // an amount in the reporting currency, compared as the answers round it (cents)
    Probability,  // 0–1
    Day,          // a tenant-local calendar day
    Choice,       // one of a fixed list of names
    Text,         // free text, compared case-insensitively
    Tags,         // a set of tags
    Flag,         // true or false
}

/// <summary>A field a condition may name: its kind, its SQL over <c>customers c</c> / <c>customer_scores s</c>, and what it means.</summary>
public sealed record SegmentField(string Name, FieldKind Kind, string Sql, string Meaning, IReadOnlyList<string>? Choices = null)
{
    public IReadOnlyList<string> Ops => SegmentFields.OpsOf(Kind);
}

/// <summary>The fields segments filter on and the operators each kind of field takes.</summary>
public static class SegmentFields
{
    public static readonly IReadOnlyList<string> ChurnStatuses = ["active", "at_risk", "lost"];

    public static readonly IReadOnlyList<SegmentField> All =
    [
        new("orders_count", FieldKind.Count, "c.orders_count", "counted orders"),
        new("lifetime_revenue", FieldKind.Money, "c.lifetime_spend", "net revenue of the counted orders, reporting currency"),
        new("avg_order_value", FieldKind.Money, "(c.lifetime_spend / nullif(c.orders_count, 0))", "lifetime_revenue ÷ orders_count"),
        new("first_order_date", FieldKind.Day, "c.first_order_day", "day of the first counted order"),
        new("last_order_date", FieldKind.Day, "c.last_order_day", "day of the last counted order"),
        new("days_since_last_order", FieldKind.DaysAgo, "c.last_order_day", "the tenant's today − last_order_date, in days"),
        new("rfm_segment", FieldKind.Choice, "s.rfm_segment", "RFM segment of the last scoring", [.. RfmSegments.All.Select(s => s.Name)]),
        new("r", FieldKind.Score, "s.r", "recency score of the last scoring"),
        new("f", FieldKind.Score, "s.f", "frequency score of the last scoring"),
        new("m", FieldKind.Score, "s.m", "monetary score of the last scoring"),
        new("churn_status", FieldKind.Choice, "s.churn_status", "churn status of the last scoring", ChurnStatuses),
        new("p_alive", FieldKind.Probability, "s.p_alive", "probability the customer is still active"),
        new("country", FieldKind.Text, "c.country", "country of the default address (ISO code)"),
        new("city", FieldKind.Text, "c.city", "city of the default address"),
        new("tags", FieldKind.Tags, "c.tags", "the customer record's tags"),
        new("accepts_marketing", FieldKind.Flag, "c.accepts_marketing", "marketing consent of the customer record"),
    ];

    private static readonly Dictionary<string, SegmentField> ByName = All.ToDictionary(f => f.Name);

    public static SegmentField? Find(string name) => ByName.GetValueOrDefault(name);

    public static IReadOnlyList<string> OpsOf(FieldKind kind) => kind switch
    {
        FieldKind.Count or FieldKind.Score => ["eq", "ne", "gt", "gte", "lt", "lte", "between", "in"],
        FieldKind.DaysAgo or FieldKind.Money => ["eq", "ne", "gt", "gte", "lt", "lte", "between"],
        FieldKind.Probability => ["gt", "gte", "lt", "lte", "between"],
        FieldKind.Day => ["eq", "ne", "gt", "gte", "lt", "lte", "between", "within_last_days"],
        FieldKind.Choice => ["eq", "ne", "in"],
        FieldKind.Text => ["eq", "ne", "in", "contains"],
        FieldKind.Tags => ["contains", "in"],
        FieldKind.Flag => ["eq", "ne"],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>What one value of the kind is, for error messages and the docs.</summary>
    public static string ValueOf(SegmentField field) => field.Kind switch
    {
        FieldKind.Count => "a whole number ≥ 0",
        FieldKind.Score => "a whole number from 1 to 5",
        FieldKind.DaysAgo => "a whole number of days ≥ 0",
        FieldKind.Money => "a number with at most 2 decimals",
        FieldKind.Probability => "a number from 0 to 1",
        FieldKind.Day => "a date as \"YYYY-MM-DD\"",
        FieldKind.Choice => $"one of {string.Join(", ", field.Choices!.Select(c => $"\"{c}\""))}",
        FieldKind.Text => "a non-empty string",
        FieldKind.Tags => "a non-empty tag (string)",
        FieldKind.Flag => "true or false",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field.Kind, null),
    };
}

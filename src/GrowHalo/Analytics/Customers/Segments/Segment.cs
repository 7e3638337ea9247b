using System.Text.Json;
using GrowHalo.Analytics.Metrics;

namespace GrowHalo.Analytics.Customers.Segments;

/// <summary>A stored segment: its name, its rules as sent (<see cref="Rules"/>) and as read (<see cref="Rule"/>).</summary>
public sealed record Segment(Guid Id, string Name, JsonElement Rules, SegmentRule Rule, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Who is a member on <paramref name="today"/> (the tenant's day: days since the last order count from it).</summary>
    public CustomerFilter Filter(DateOnly today) => SegmentSql.Filter(Rule, today);
}

/// <summary>The body of POST /api/v1/segments and PUT /api/v1/segments/{id}: the whole segment.</summary>
public sealed record SegmentBody(string? Name, JsonElement? Rules)
{
    public const int MaxName = 100;

    /// <summary>The trimmed name and the rules, or nulls with <paramref name="errors"/> saying what to change.</summary>
    public (string? Name, SegmentRule? Rule) Read(Validation errors)
    {
        var name = Name?.Trim();
        if (string.IsNullOrEmpty(name)) errors.Add("name", $"is required: 1 to {MaxName} characters, unique among the tenant's segments (case-insensitive).");
        else if (name.Length > MaxName) errors.Add("name", $"has {name.Length} characters; at most {MaxName}.");
        var rule = SegmentRules.Parse(Rules, errors);
        return errors.IsValid ? (name, rule) : (null, null);
    }
}

/// <summary>A segment as answered: rules as stored, and its member count computed at <c>computed_at</c>.</summary>
public sealed record SegmentResponse(Guid Id, string Name, JsonElement Rules, long MemberCount, DateTimeOffset ComputedAt, DateTimeOffset? AsOf,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static SegmentResponse From(Segment s, long members, DateTimeOffset computedAt, DateTimeOffset? asOf) =>
        new(s.Id, s.Name, s.Rules, members, computedAt, asOf, s.CreatedAt, s.UpdatedAt);
}

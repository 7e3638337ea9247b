using System.Text.Json.Nodes;

namespace GrowHalo.Simulator.World;

/// <summary>
/// A Shopify record whose state changes over time (an order gets fulfilled, refunded, cancelled). It keeps the facts
/// and renders the native JSON as it stood at any instant, so every version is available without storing each one.
/// </summary>
public interface ISimRecord
{
    long Id { get; }
    DateTimeOffset CreatedAt { get; }

    /// <summary>Every instant at which the record changed (the first is its creation), ascending.</summary>
    IReadOnlyList<DateTimeOffset> ChangeTimes { get; }

    JsonObject Render(DateTimeOffset asOf, SimClock clock);
}

public static class SimRecordExtensions
{
    public static bool ExistsAt(this ISimRecord record, DateTimeOffset asOf) => record.CreatedAt <= asOf;

    /// <summary>The updated_at of the version visible at <paramref name="asOf"/>.</summary>
    public static DateTimeOffset UpdatedAt(this ISimRecord record, DateTimeOffset asOf)
    {
        var latest = record.CreatedAt;
        foreach (var t in record.ChangeTimes)
            if (t <= asOf && t > latest) latest = t;
        return latest;
    }

    public static JsonArray ToJsonArray(this IEnumerable<JsonNode?> nodes) => new(nodes.ToArray());
}

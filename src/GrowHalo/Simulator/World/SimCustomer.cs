using System.Text.Json.Nodes;

namespace GrowHalo.Simulator.World;

/// <summary>A registered customer; each order they place is a new version (orders_count, total_spent, updated_at).</summary>
public sealed class SimCustomer(long id, string firstName, string lastName, string email, string state, DateTimeOffset createdAt) : ISimRecord
{
    private readonly List<(DateTimeOffset At, long OrderId, string OrderName, decimal Total)> _orders = [];
    private readonly List<DateTimeOffset> _changes = [createdAt];

    public long Id => id;
    public string FirstName => firstName;
    public string LastName => lastName;
    public string Email => email;
    public string State => state;
    public DateTimeOffset CreatedAt => createdAt;
    public IReadOnlyList<DateTimeOffset> ChangeTimes => _changes;

    internal void AddOrder(DateTimeOffset at, long orderId, string name, decimal total)
    {
        _orders.Add((at, orderId, name, total));
        _changes.Add(at);
        _changes.Sort();
    }

    /// <summary>The small customer object Shopify embeds in an order.</summary>
    public JsonObject Embedded(SimClock clock) => new()
    {
        ["id"] = id,
        ["email"] = email,
        ["first_name"] = firstName,
        ["last_name"] = lastName,
        ["created_at"] = clock.Format(createdAt),
        ["state"] = "enabled",
        ["currency"] = "USD",
        ["admin_graphql_api_id"] = $"gid://shopify/Customer/{id}",
    };

    public JsonObject Render(DateTimeOffset asOf, SimClock clock)
    {
        var placed = _orders.Where(o => o.At <= asOf).ToList();
        var last = placed.Count == 0 ? default : placed[^1];
        var json = Embedded(clock);
        json["updated_at"] = clock.Format(this.UpdatedAt(asOf));
        json["orders_count"] = placed.Count;
        json["total_spent"] = SimClock.Money(placed.Sum(o => o.Total));
        json["last_order_id"] = placed.Count == 0 ? null : last.OrderId;
        json["last_order_name"] = placed.Count == 0 ? null : last.OrderName;
        json["verified_email"] = true;
        json["tax_exempt"] = false;
        json["tags"] = placed.Count > 1 ? "repeat" : "";
        json["email_marketing_consent"] = new JsonObject { ["state"] = id % 3 == 0 ? "not_subscribed" : "subscribed", ["opt_in_level"] = "single_opt_in" };
        json["default_address"] = Address(firstName, lastName, state);
        return json;
    }

    internal static JsonObject Address(string first, string last, string province) => new()
    {
        ["first_name"] = first,
        ["last_name"] = last,
        ["address1"] = "1 Main Street",
        ["city"] = "Springfield",
        ["province_code"] = province,
        ["country_code"] = "US",
        ["zip"] = "10001",
    };
}

using System.Text.Json.Nodes;

namespace GrowHalo.Simulator.World;

/// <summary>
/// A checkout that was started and left. Some recover later: completed_at is set and an order (with this
/// checkout's token) is placed at that moment.
/// </summary>
public sealed record SimCheckout(long Id, string Token, DateTimeOffset CreatedAt, string Email, SimCustomer? Customer,
    IReadOnlyList<SimLine> Lines, decimal TaxRate, decimal Shipping, DateTimeOffset? CompletedAt) : ISimRecord
{
    public IReadOnlyList<DateTimeOffset> ChangeTimes => CompletedAt is null ? [CreatedAt] : [CreatedAt, CompletedAt.Value];

    public decimal Subtotal => Lines.Sum(l => l.UnitPrice * l.Quantity);
    public decimal Tax => Math.Round(Subtotal * TaxRate, 2);
    public decimal TotalPrice => Subtotal + Tax + Shipping;

    public JsonObject Render(DateTimeOffset asOf, SimClock clock) => new()
    {
        ["id"] = Id,
        ["token"] = Token,
        ["cart_token"] = Token[..16],
        ["email"] = Email,
        ["created_at"] = clock.Format(CreatedAt),
        ["updated_at"] = clock.Format(this.UpdatedAt(asOf)),
        ["completed_at"] = CompletedAt <= asOf ? clock.Format(CompletedAt!.Value) : null,
        ["currency"] = "USD",
        ["presentment_currency"] = "USD",
        ["subtotal_price"] = SimClock.Money(Subtotal),
        ["total_line_items_price"] = SimClock.Money(Subtotal),
        ["total_discounts"] = "0.00",
        ["total_tax"] = SimClock.Money(Tax),
        ["total_price"] = SimClock.Money(TotalPrice),
        ["abandoned_checkout_url"] = $"https://halo-demo.myshopify.com/checkouts/{Token}/recover",
        ["customer"] = Customer?.Embedded(clock),
        ["line_items"] = Lines.Select(l => (JsonNode?)new JsonObject
        {
            ["product_id"] = l.Product.Id,
            ["variant_id"] = l.Product.VariantId,
            ["title"] = l.Product.Title,
            ["sku"] = l.Product.Sku,
            ["quantity"] = l.Quantity,
            ["price"] = SimClock.Money(l.UnitPrice),
        }).ToJsonArray(),
    };
}

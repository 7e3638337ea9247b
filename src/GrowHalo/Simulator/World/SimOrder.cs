using System.Text.Json.Nodes;

namespace GrowHalo.Simulator.World;

public sealed record SimLine(SimProduct Product, int Quantity, decimal UnitPrice);

/// <summary>A refund of the whole order (LineIndex null) or of one line, issued days after the order.</summary>
public sealed record SimRefund(long Id, DateTimeOffset CreatedAt, int? LineIndex, decimal Subtotal, decimal Tax, decimal Shipping)
{
    public decimal Amount => Subtotal + Tax + Shipping;
}

/// <summary>
/// An order and what happens to it later (fulfilment, refunds, cancellation), rendered as Shopify REST order JSON
/// as it stood at a given instant. Money is computed once here so every rendering agrees with every other.
/// </summary>
public sealed record SimOrder : ISimRecord
{
    public required long Id { get; init; }
    public required int Number { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required IReadOnlyList<SimLine> Lines { get; init; }
    public SimCustomer? Customer { get; init; }
    public required string Email { get; init; }
    public required string FirstName { get; init; }
    public required string LastName { get; init; }
    public required string Province { get; init; }
    public string? DiscountCode { get; init; }
    public decimal DiscountRate { get; init; }
    public required decimal TaxRate { get; init; }
    public required decimal Shipping { get; init; }
    public bool Test { get; init; }
    public string? CheckoutToken { get; init; }
    public DateTimeOffset? FulfilledAt { get; init; }
    public DateTimeOffset? CancelledAt { get; init; }
    /// <summary>A cancelled order's payment was voided (never captured) rather than refunded.</summary>
    public bool VoidedOnCancel { get; init; }
    public IReadOnlyList<SimRefund> Refunds { get; init; } = [];

    public decimal LineTotal => Lines.Sum(l => l.UnitPrice * l.Quantity);
    public decimal Discount => Math.Round(LineTotal * DiscountRate, 2);
    public decimal Subtotal => LineTotal - Discount;
    public decimal Tax => Math.Round(Subtotal * TaxRate, 2);
    public decimal TotalPrice => Subtotal + Tax + Shipping;
    public string Name => $"#{Number}";

    public IReadOnlyList<DateTimeOffset> ChangeTimes =>
        new[] { (DateTimeOffset?)CreatedAt, FulfilledAt, CancelledAt }.Concat(Refunds.Select(r => (DateTimeOffset?)r.CreatedAt))
            .Where(t => t is not null).Select(t => t!.Value).Distinct().Order().ToList();

    /// <summary>Counted at <paramref name="asOf"/>: not a test, not cancelled, not voided (the design's definition).</summary>
    public bool IsCountedAt(DateTimeOffset asOf) => !Test && !(CancelledAt <= asOf);

    public decimal RefundedAt(DateTimeOffset asOf) => Refunds.Where(r => r.CreatedAt <= asOf).Sum(r => r.Amount);

    public string FinancialStatus(DateTimeOffset asOf)
    {
        if (CancelledAt <= asOf && VoidedOnCancel) return "voided";
        var refunded = RefundedAt(asOf);
        return refunded == 0 ? "paid" : refunded >= TotalPrice ? "refunded" : "partially_refunded";
    }

    public JsonObject Render(DateTimeOffset asOf, SimClock clock)
    {
        var cancelled = CancelledAt <= asOf;
        var fulfilled = FulfilledAt <= asOf;
        return new JsonObject
        {
            ["id"] = Id,
            ["admin_graphql_api_id"] = $"gid://shopify/Order/{Id}",
            ["name"] = Name,
            ["order_number"] = Number,
            ["email"] = Email,
            ["contact_email"] = Email,
            ["created_at"] = clock.Format(CreatedAt),
            ["processed_at"] = clock.Format(CreatedAt),
            ["updated_at"] = clock.Format(this.UpdatedAt(asOf)),
            ["cancelled_at"] = cancelled ? clock.Format(CancelledAt!.Value) : null,
            ["cancel_reason"] = cancelled ? "customer" : null,
            ["closed_at"] = null,
            ["test"] = Test,
            ["currency"] = "USD",
            ["presentment_currency"] = "USD",
            ["financial_status"] = FinancialStatus(asOf),
            ["fulfillment_status"] = fulfilled && !cancelled ? "fulfilled" : null,
            ["source_name"] = CheckoutToken is null ? "web" : "web",
            ["checkout_token"] = CheckoutToken,
            ["total_line_items_price"] = SimClock.Money(LineTotal),
            ["total_discounts"] = SimClock.Money(Discount),
            ["subtotal_price"] = SimClock.Money(Subtotal),
            ["total_tax"] = SimClock.Money(Tax),
            ["total_price"] = SimClock.Money(TotalPrice),
            ["current_total_price"] = SimClock.Money(TotalPrice - RefundedAt(asOf)),
            ["total_shipping_price_set"] = MoneySet(Shipping),
            ["taxes_included"] = false,
            ["discount_codes"] = DiscountCode is null ? new JsonArray()
                : new JsonArray(new JsonObject { ["code"] = DiscountCode, ["amount"] = SimClock.Money(Discount), ["type"] = "percentage" }),
            ["customer"] = Customer?.Embedded(clock),
            ["billing_address"] = SimCustomer.Address(FirstName, LastName, Province),
            ["shipping_address"] = SimCustomer.Address(FirstName, LastName, Province),
            ["line_items"] = Lines.Select((l, i) => (JsonNode?)LineJson(l, i)).ToJsonArray(),
            ["shipping_lines"] = new JsonArray(new JsonObject
            {
                ["id"] = Id * 10 + 1,
                ["title"] = Shipping >= 10 ? "Express" : "Standard",
                ["code"] = Shipping >= 10 ? "EXPRESS" : "STANDARD",
                ["price"] = SimClock.Money(Shipping),
            }),
            ["tax_lines"] = Tax == 0 ? new JsonArray()
                : new JsonArray(new JsonObject { ["title"] = $"{Province} State Tax", ["rate"] = TaxRate, ["price"] = SimClock.Money(Tax) }),
            ["refunds"] = Refunds.Where(r => r.CreatedAt <= asOf).Select(r => (JsonNode?)RefundJson(r, clock)).ToJsonArray(),
        };
    }

    private JsonObject LineJson(SimLine line, int index) => new()
    {
        ["id"] = LineId(index),
        ["product_id"] = line.Product.Id,
        ["variant_id"] = line.Product.VariantId,
        ["title"] = line.Product.Title,
        ["variant_title"] = null,
        ["sku"] = line.Product.Sku,
        ["vendor"] = "Halo Goods",
        ["quantity"] = line.Quantity,
        ["price"] = SimClock.Money(line.UnitPrice),
        ["total_discount"] = "0.00",
        ["taxable"] = true,
        ["requires_shipping"] = true,
    };

    private JsonObject RefundJson(SimRefund refund, SimClock clock)
    {
        var lines = refund.LineIndex is { } i ? [i] : Enumerable.Range(0, Lines.Count);
        return new JsonObject
        {
            ["id"] = refund.Id,
            ["order_id"] = Id,
            ["created_at"] = clock.Format(refund.CreatedAt),
            ["processed_at"] = clock.Format(refund.CreatedAt),
            ["note"] = refund.LineIndex is null ? "Customer returned the order" : "Item returned",
            ["restock"] = true,
            ["refund_line_items"] = lines.Select(li => (JsonNode?)new JsonObject
            {
                ["id"] = refund.Id * 10 + li,
                ["line_item_id"] = LineId(li),
                ["quantity"] = Lines[li].Quantity,
                ["subtotal"] = SimClock.Money(Math.Round(Lines[li].UnitPrice * Lines[li].Quantity * (1 - DiscountRate), 2)),
                ["restock_type"] = "return",
            }).ToJsonArray(),
            ["transactions"] = new JsonArray(new JsonObject
            {
                ["id"] = refund.Id + 1,
                ["order_id"] = Id,
                ["kind"] = "refund",
                ["status"] = "success",
                ["gateway"] = "shopify_payments",
                ["amount"] = SimClock.Money(refund.Amount),
                ["currency"] = "USD",
                ["created_at"] = clock.Format(refund.CreatedAt),
            }),
        };
    }

    private long LineId(int index) => Id * 10 + 2 + index;

    private static JsonObject MoneySet(decimal amount) => new()
    {
        ["shop_money"] = new JsonObject { ["amount"] = SimClock.Money(amount), ["currency_code"] = "USD" },
        ["presentment_money"] = new JsonObject { ["amount"] = SimClock.Money(amount), ["currency_code"] = "USD" },
    };
}

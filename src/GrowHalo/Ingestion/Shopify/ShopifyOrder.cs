using System.Text.Json;
using GrowHalo.Ingestion.Parsing;

namespace GrowHalo.Ingestion.Shopify;

public sealed record ShopifyLineItem(string? Id, string? ProductId, string? VariantId, string Title, long Quantity, decimal Price, string? Sku);

/// <summary>A refund, dated by its own created_at (as Shopify's reports do), not by the order's.</summary>
public sealed record ShopifyRefund(string Id, string OrderId, DateTimeOffset CreatedAt, decimal Amount);

/// <summary>A Shopify order as GrowHalo models it. Parsed from REST/webhook JSON or a GraphQL node alike.</summary>
public sealed record ShopifyOrder(
    string Id, string? Name, DateTimeOffset CreatedAt, DateTimeOffset PlacedAt, DateTimeOffset UpdatedAt, string? Currency,
    decimal TotalPrice, decimal SubtotalPrice, decimal TotalDiscounts, decimal TotalTax, decimal TotalShipping,
    string? FinancialStatus, DateTimeOffset? CancelledAt, bool Test, string? CustomerId, string? Email,
    IReadOnlyList<ShopifyLineItem> LineItems, IReadOnlyList<ShopifyRefund> Refunds, string? CheckoutToken = null, string? CartToken = null)
{
    /// <summary>Counted orders: not a test, not cancelled, not voided.</summary>
    public bool IsCounted => !Test && CancelledAt is null && !string.Equals(FinancialStatus, "voided", StringComparison.OrdinalIgnoreCase);

    /// <summary>A customer is the Shopify customer id, else the normalised e-mail; null for an anonymous order.</summary>
    public string? CustomerKey => ShopifyCustomer.KeyOf(CustomerId, Email);

    public string StreamId => $"shopify:order:{Id}";

    public static ParseResult<ShopifyOrder> Parse(JsonElement json)
    {
        using var f = new JsonFields(json);
        var id = f.Id("id|admin_graphql_api_id", required: true);
        var created = f.Timestamp("created_at|createdAt", required: true);
        var updated = f.Timestamp("updated_at|updatedAt") ?? created;
        var placed = f.Timestamp("processed_at|processedAt") ?? created;
        var total = f.Decimal("total_price|totalPriceSet.shopMoney.amount|current_total_price", required: true);
        var subtotal = f.Decimal("subtotal_price|subtotalPriceSet.shopMoney.amount") ?? total;
        var discounts = f.Decimal("total_discounts|totalDiscountsSet.shopMoney.amount") ?? 0m;
        var tax = f.Decimal("total_tax|totalTaxSet.shopMoney.amount") ?? 0m;
        var shipping = f.Decimal("total_shipping_price_set.shop_money.amount|totalShippingPriceSet.shopMoney.amount")
            ?? f.Array("shipping_lines").Sum(l => new JsonFields(l).Decimal("price") ?? 0m);
        var currency = f.String("currency|currencyCode|totalPriceSet.shopMoney.currencyCode");
        var financial = f.String("financial_status|displayFinancialStatus")?.ToLowerInvariant();
        var cancelled = f.Timestamp("cancelled_at|cancelledAt");
        var test = f.Bool("test") ?? false;
        var customer = f.Object("customer");
        var customerId = customer?.Id("id");
        var email = f.String("email|contact_email") ?? customer?.String("email");
        if (total < 0) f.Error("total_price", "must not be negative");
        if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetter)))
            f.Error("currency", $"must be an ISO 4217 code such as USD, got \"{currency}\"");

        var lines = f.Array("line_items|lineItems").Select(ParseLine).ToList();
        var refunds = id is null ? [] : f.Array("refunds").Select(r => ShopifyRefundParser.Parse(r, id)).ToList();
        var errors = f.Errors.Concat(refunds.SelectMany(r => r.Errors)).ToList();
        if (errors.Count > 0 || id is null || created is null || total is null) return ParseResult<ShopifyOrder>.Invalid(errors);
        return ParseResult<ShopifyOrder>.Ok(new ShopifyOrder(id, f.String("name"), created.Value, placed!.Value, updated!.Value,
            currency?.ToUpperInvariant(), total.Value, subtotal!.Value, discounts, tax, shipping, financial, cancelled, test,
            customerId, email, lines, refunds.Select(r => r.Value!).ToList(), f.String("checkout_token"), f.String("cart_token")));
    }

    private static ShopifyLineItem ParseLine(JsonElement json)
    {
        using var f = new JsonFields(json);
        return new ShopifyLineItem(f.Id("id"), f.Id("product_id|product.id"), f.Id("variant_id|variant.id"),
            f.String("title|name") ?? "", f.Long("quantity") ?? 1,
            f.Decimal("price|originalUnitPriceSet.shopMoney.amount") ?? 0m, f.String("sku"));
    }
}

/// <summary>Refunds arrive inside orders (refunds[]) or alone (refunds/create webhook, which carries order_id).</summary>
public static class ShopifyRefundParser
{
    public static ParseResult<ShopifyRefund> Parse(JsonElement json, string? orderId = null)
    {
        using var f = new JsonFields(json);
        var id = f.Id("id", required: true);
        var order = orderId ?? f.Id("order_id|order.id", required: true);
        var created = f.Timestamp("created_at|createdAt|processed_at", required: true);
        decimal? amount = f.Decimal("totalRefundedSet.shopMoney.amount|amount");
        if (amount is null)
        {
            var transactions = f.Array("transactions")
                .Select(t => new JsonFields(t))
                .Where(t => (t.String("kind") ?? "refund") == "refund" && (t.String("status") ?? "success") == "success")
                .ToList();
            amount = transactions.Count > 0
                ? transactions.Sum(t => t.Decimal("amount") ?? 0m)
                : f.Array("refund_line_items").Sum(l => new JsonFields(l).Decimal("subtotal") ?? 0m);
        }
        if (f.Errors.Count > 0 || id is null || order is null || created is null) return ParseResult<ShopifyRefund>.Invalid(f.Errors);
        return ParseResult<ShopifyRefund>.Ok(new ShopifyRefund(id, order, created.Value, amount.Value));
    }
}

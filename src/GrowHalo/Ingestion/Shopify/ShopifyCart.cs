using System.Text.Json;
using GrowHalo.Ingestion.Parsing;

namespace GrowHalo.Ingestion.Shopify;

/// <summary>
/// A cart (carts/create, carts/update webhooks; batch eventType cart): the top of the checkout funnel. Its id is its
/// token (what a checkout's and an order's cart_token name). Shopify's cart webhook carries no total, so the total is
/// the sum of its lines (line_price, else price × quantity) unless the record gives total_price.
/// </summary>
public sealed record ShopifyCart(string Token, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int LineItems, long Quantity,
    decimal TotalPrice, string? Currency, string? CustomerId, string? Email)
{
    public string StreamId => $"shopify:cart:{Token}";
    public string? CustomerKey => ShopifyCustomer.KeyOf(CustomerId, Email);

    public static ParseResult<ShopifyCart> Parse(JsonElement json)
    {
        using var f = new JsonFields(json);
        var token = f.Id("token|id", required: true);
        var created = f.Timestamp("created_at|createdAt", required: true);
        var updated = f.Timestamp("updated_at|updatedAt") ?? created;
        var lines = f.Array("line_items|lines").Select((l, i) => Line(l, $"line_items[{i}]")).ToList();
        var total = f.Decimal("total_price|cost.totalAmount.amount") ?? lines.Sum(l => l.Amount);
        var currency = f.String("currency|cost.totalAmount.currencyCode") ?? lines.Select(l => l.Currency).FirstOrDefault(c => c is not null);
        var customer = f.Object("customer");
        var email = f.String("email") ?? customer?.String("email");
        if (total < 0) f.Error("total_price", "must not be negative");
        if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetter)))
            f.Error("currency", $"must be an ISO 4217 code such as USD, got \"{currency}\"");
        var errors = f.Errors.Concat(lines.SelectMany(l => l.Errors)).ToList();
        if (errors.Count > 0 || token is null || created is null) return ParseResult<ShopifyCart>.Invalid(errors);
        return ParseResult<ShopifyCart>.Ok(new ShopifyCart(token, created.Value, updated!.Value, lines.Count, lines.Sum(l => l.Quantity),
            total, currency?.ToUpperInvariant(), customer?.Id("id"), email));
    }

    private sealed record CartLine(long Quantity, decimal Amount, string? Currency, IReadOnlyList<FieldError> Errors);

    private static CartLine Line(JsonElement json, string path)
    {
        using var f = new JsonFields(json, path);
        var quantity = f.Long("quantity") ?? 1;
        if (quantity < 0) f.Error("quantity", $"must not be negative, got {quantity}");
        var amount = f.Decimal("line_price|line_price_set.shop_money.amount|cost.totalAmount.amount")
            ?? (f.Decimal("price|price_set.shop_money.amount") ?? 0m) * quantity;
        var currency = f.String("line_price_set.shop_money.currency_code|price_set.shop_money.currency_code|cost.totalAmount.currencyCode");
        return new CartLine(quantity, amount, currency, f.Errors.ToList());
    }
}

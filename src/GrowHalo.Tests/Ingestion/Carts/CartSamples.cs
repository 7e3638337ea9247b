using System.Globalization;
using System.Text.Json.Nodes;

namespace GrowHalo.Tests.Ingestion.Carts;

/// <summary>Carts as Shopify's carts/create and carts/update webhooks send them: no total, no currency but the lines'.</summary>
public static class CartSamples
{
    public static JsonObject Line(long variantId, int quantity, string price, string currency = "USD")
    {
        var linePrice = (decimal.Parse(price, CultureInfo.InvariantCulture) * quantity).ToString("0.00", CultureInfo.InvariantCulture);
        return new()
        {
        ["id"] = variantId, ["properties"] = new JsonObject(), ["quantity"] = quantity, ["variant_id"] = variantId,
        ["key"] = $"{variantId}:33f11f7a1ec7d93b826de33bb54de37b", ["discounted_price"] = price, ["gift_card"] = false,
        ["grams"] = 200, ["price"] = price,
        ["line_price"] = linePrice,
        ["product_id"] = variantId / 10, ["sku"] = $"SKU-{variantId}", ["title"] = "Organic cotton tee", ["vendor"] = "Acme",
        ["line_price_set"] = new JsonObject
        {
            ["shop_money"] = new JsonObject { ["amount"] = linePrice, ["currency_code"] = currency },
            ["presentment_money"] = new JsonObject { ["amount"] = linePrice, ["currency_code"] = currency },
        },
        };
    }

    public static JsonObject Cart(string token, string createdAt = "2026-03-01T10:00:00Z", string? updatedAt = null, params JsonObject[] lines) => new()
    {
        ["id"] = token, ["token"] = token, ["note"] = null,
        ["line_items"] = new JsonArray((lines.Length == 0 ? [Line(4411, 2, "19.99"), Line(4422, 1, "5.00")] : lines).Select(l => (JsonNode)l).ToArray()),
        ["created_at"] = createdAt, ["updated_at"] = updatedAt ?? createdAt,
    };
}

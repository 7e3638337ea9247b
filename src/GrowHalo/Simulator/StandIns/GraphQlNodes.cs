using System.Text.Json.Nodes;
using GrowHalo.Simulator.World;

namespace GrowHalo.Simulator.StandIns;

/// <summary>Orders and customers as Shopify's GraphQL Admin API shapes them (gids, camelCase, MoneyBags).</summary>
internal static class GraphQlNodes
{
    public static JsonObject Order(SimOrder order, DateTimeOffset asOf, SimClock clock)
    {
        var rest = order.Render(asOf, clock);
        var customer = order.Customer;
        return new JsonObject
        {
            ["id"] = $"gid://shopify/Order/{order.Id}",
            ["name"] = order.Name,
            ["email"] = order.Email,
            ["createdAt"] = rest["created_at"]!.DeepClone(),
            ["processedAt"] = rest["processed_at"]!.DeepClone(),
            ["updatedAt"] = rest["updated_at"]!.DeepClone(),
            ["cancelledAt"] = rest["cancelled_at"]?.DeepClone(),
            ["test"] = order.Test,
            ["currencyCode"] = "USD",
            ["displayFinancialStatus"] = order.FinancialStatus(asOf).ToUpperInvariant(),
            ["totalPriceSet"] = Money(order.TotalPrice),
            ["subtotalPriceSet"] = Money(order.Subtotal),
            ["totalDiscountsSet"] = Money(order.Discount),
            ["totalTaxSet"] = Money(order.Tax),
            ["totalShippingPriceSet"] = Money(order.Shipping),
            ["customer"] = customer is null ? null : new JsonObject
            {
                ["id"] = $"gid://shopify/Customer/{customer.Id}",
                ["email"] = customer.Email,
                ["firstName"] = customer.FirstName,
                ["lastName"] = customer.LastName,
            },
            ["lineItems"] = new JsonObject
            {
                ["nodes"] = new JsonArray(order.Lines.Select((l, i) => (JsonNode?)new JsonObject
                {
                    ["id"] = $"gid://shopify/LineItem/{order.Id * 10 + 2 + i}",
                    ["name"] = l.Product.Title,
                    ["sku"] = l.Product.Sku,
                    ["quantity"] = l.Quantity,
                    ["originalUnitPriceSet"] = Money(l.UnitPrice),
                    ["product"] = new JsonObject { ["id"] = $"gid://shopify/Product/{l.Product.Id}" },
                    ["variant"] = new JsonObject { ["id"] = $"gid://shopify/ProductVariant/{l.Product.VariantId}" },
                }).ToArray()),
            },
            ["refunds"] = new JsonArray(order.Refunds.Where(r => r.CreatedAt <= asOf).Select(r => (JsonNode?)new JsonObject
            {
                ["id"] = $"gid://shopify/Refund/{r.Id}",
                ["createdAt"] = clock.Format(r.CreatedAt),
                ["totalRefundedSet"] = Money(r.Amount),
            }).ToArray()),
        };
    }

    public static JsonObject Customer(SimCustomer customer, DateTimeOffset asOf, SimClock clock)
    {
        var rest = customer.Render(asOf, clock);
        return new JsonObject
        {
            ["id"] = $"gid://shopify/Customer/{customer.Id}",
            ["firstName"] = customer.FirstName,
            ["lastName"] = customer.LastName,
            ["defaultEmailAddress"] = new JsonObject { ["emailAddress"] = customer.Email },
            ["createdAt"] = rest["created_at"]!.DeepClone(),
            ["updatedAt"] = rest["updated_at"]!.DeepClone(),
            ["numberOfOrders"] = rest["orders_count"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["amountSpent"] = new JsonObject { ["amount"] = rest["total_spent"]!.DeepClone(), ["currencyCode"] = "USD" },
        };
    }

    private static JsonObject Money(decimal amount) => new()
    {
        ["shopMoney"] = new JsonObject { ["amount"] = SimClock.Money(amount), ["currencyCode"] = "USD" },
    };
}

using System.Text.Json.Nodes;

namespace GrowHalo.Tests.Ingestion;

/// <summary>Records shaped as the platforms send them (Shopify REST/webhook and GraphQL, Meta insights, Google Ads).</summary>
public static class Samples
{
    public static JsonObject Order(long id, string updatedAt = "2026-03-01T09:20:00-05:00", string total = "129.90",
        string financialStatus = "paid", JsonArray? refunds = null, string? shopDomain = null)
    {
        var order = new JsonObject
        {
            ["id"] = id, ["admin_graphql_api_id"] = $"gid://shopify/Order/{id}", ["name"] = $"#{id}",
            ["email"] = $"buyer{id}@example.com", ["created_at"] = "2026-03-01T09:15:00-05:00", ["updated_at"] = updatedAt,
            ["processed_at"] = "2026-03-01T09:15:00-05:00", ["currency"] = "USD", ["total_price"] = total,
            ["subtotal_price"] = "119.90", ["total_tax"] = "10.00", ["total_discounts"] = "0.00",
            ["financial_status"] = financialStatus, ["cancelled_at"] = null, ["test"] = false,
            ["customer"] = new JsonObject { ["id"] = 7000 + id % 1000, ["email"] = $"buyer{id}@example.com", ["first_name"] = "Jane", ["last_name"] = "Doe" },
            ["line_items"] = new JsonArray(new JsonObject
            {
                ["id"] = id * 10, ["product_id"] = 901, ["variant_id"] = 9011, ["title"] = "Organic cotton tee", ["quantity"] = 2,
                ["price"] = "59.95", ["sku"] = "TEE-ORG-M",
            }),
            ["shipping_lines"] = new JsonArray(new JsonObject { ["title"] = "Standard", ["price"] = "0.00" }),
            ["refunds"] = refunds ?? [],
        };
        if (shopDomain is not null) order["shop_domain"] = shopDomain;
        return order;
    }

    public static JsonObject Refund(long id, long orderId, string amount = "20.00", string createdAt = "2026-03-03T12:00:00Z") => new()
    {
        ["id"] = id, ["order_id"] = orderId, ["created_at"] = createdAt, ["note"] = "Damaged",
        ["transactions"] = new JsonArray(new JsonObject { ["id"] = id * 10, ["kind"] = "refund", ["status"] = "success", ["amount"] = amount }),
        ["refund_line_items"] = new JsonArray(),
    };

    /// <summary>A GraphQL Admin API order node: gid ids, camelCase, money sets.</summary>
    public static JsonObject GraphQlOrder(long id, string updatedAt = "2026-03-01T14:20:00Z", string total = "129.90") => new()
    {
        ["id"] = $"gid://shopify/Order/{id}", ["name"] = $"#{id}", ["createdAt"] = "2026-03-01T14:15:00Z", ["updatedAt"] = updatedAt,
        ["processedAt"] = "2026-03-01T14:15:00Z", ["currencyCode"] = "USD", ["displayFinancialStatus"] = "PAID", ["test"] = false,
        ["totalPriceSet"] = new JsonObject { ["shopMoney"] = new JsonObject { ["amount"] = total, ["currencyCode"] = "USD" } },
        ["customer"] = new JsonObject { ["id"] = "gid://shopify/Customer/7001" },
        ["lineItems"] = new JsonObject { ["edges"] = new JsonArray(new JsonObject { ["node"] = new JsonObject { ["name"] = "Tee", ["quantity"] = 1 } }) },
    };

    public static JsonObject Customer(long id, string updatedAt = "2026-03-01T10:00:00Z") => new()
    {
        ["id"] = id, ["email"] = $"c{id}@example.com", ["first_name"] = "Ana", ["last_name"] = "Lee",
        ["created_at"] = "2026-02-01T10:00:00Z", ["updated_at"] = updatedAt, ["orders_count"] = 1,
    };

    public static JsonObject Product(long id, string updatedAt = "2026-03-01T10:00:00Z") => new()
    {
        ["id"] = id, ["title"] = "Organic cotton tee", ["product_type"] = "Apparel", ["vendor"] = "Acme", ["status"] = "active",
        ["created_at"] = "2026-01-01T10:00:00Z", ["updated_at"] = updatedAt,
        ["variants"] = new JsonArray(new JsonObject { ["id"] = id * 10, ["price"] = "59.95", ["sku"] = "TEE-ORG-M" }),
    };

    public static JsonObject Checkout(long id, string updatedAt = "2026-03-01T10:05:00Z") => new()
    {
        ["id"] = id, ["token"] = $"tok{id}", ["email"] = $"c{id}@example.com", ["created_at"] = "2026-03-01T10:00:00Z",
        ["updated_at"] = updatedAt, ["completed_at"] = null, ["total_price"] = "59.95", ["currency"] = "USD",
        ["abandoned_checkout_url"] = $"https://acme.myshopify.com/checkouts/tok{id}/recover",
    };

    public static JsonObject MetaRow(string campaignId, string date = "2026-03-01", string spend = "120.50", string? accountId = null)
    {
        var row = new JsonObject
        {
            ["campaign_id"] = campaignId, ["campaign_name"] = "Spring sale", ["date_start"] = date, ["date_stop"] = date,
            ["spend"] = spend, ["impressions"] = "15000", ["clicks"] = "320", ["account_currency"] = "USD",
            ["actions"] = new JsonArray(
                new JsonObject { ["action_type"] = "offsite_conversion.fb_pixel_purchase", ["value"] = "7" },
                new JsonObject { ["action_type"] = "omni_purchase", ["value"] = "8" }),
            ["action_values"] = new JsonArray(new JsonObject { ["action_type"] = "omni_purchase", ["value"] = "640.00" }),
        };
        if (accountId is not null) row["account_id"] = accountId;
        return row;
    }

    public static JsonObject MetaEnvelope(params JsonObject[] rows) => new()
    {
        ["data"] = new JsonArray(rows.Select(r => (JsonNode)r).ToArray()),
        ["paging"] = new JsonObject { ["cursors"] = new JsonObject { ["before"] = "MAZDZD", ["after"] = "MjQZD" } },
    };

    /// <summary>A Google Ads searchStream result row: camelCase, int64 as strings.</summary>
    public static JsonObject GoogleResult(string campaignId, string date = "2026-03-01", string costMicros = "45670000", string customerId = "1234567890") => new()
    {
        ["customer"] = new JsonObject { ["resourceName"] = $"customers/{customerId}", ["id"] = customerId, ["currencyCode"] = "USD" },
        ["campaign"] = new JsonObject { ["resourceName"] = $"customers/{customerId}/campaigns/{campaignId}", ["id"] = campaignId, ["name"] = "Search - Brand" },
        ["segments"] = new JsonObject { ["date"] = date },
        ["metrics"] = new JsonObject
        {
            ["costMicros"] = costMicros, ["clicks"] = "210", ["impressions"] = "4800", ["conversions"] = 12.0, ["conversionsValue"] = 980.5,
        },
    };

    public static JsonArray SearchStream(params JsonObject[] results) =>
        new(new JsonObject { ["results"] = new JsonArray(results.Select(r => (JsonNode)r).ToArray()), ["fieldMask"] = "campaign.id,metrics.costMicros" });

    /// <summary>The v1 contract's flat Google row.</summary>
    public static JsonObject GoogleFlat(string campaignId, string date = "2026-03-01", long costMicros = 45_670_000) => new()
    {
        ["campaign_id"] = campaignId, ["campaign_name"] = "Search - Brand", ["cost_micros"] = costMicros, ["impressions"] = 4800,
        ["clicks"] = 210, ["date"] = date,
    };
}

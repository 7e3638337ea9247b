using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Platform.Events;
using GrowHalo.Ingestion;
using GrowHalo.Ingestion.Google;
using GrowHalo.Ingestion.Meta;

namespace GrowHalo.Tests.Modeling;

public sealed record RefundSpec(long Id, DateTimeOffset CreatedAt, decimal Amount);

/// <summary>An order version as a test describes it; <see cref="SourceRecords.OrderPayload"/> turns it into Shopify REST JSON.</summary>
public sealed record OrderSpec(long Id, DateTimeOffset CreatedAt, decimal Total, string Currency = "USD", long? CustomerId = null,
    string? Email = null, bool Test = false, DateTimeOffset? CancelledAt = null, string FinancialStatus = "paid",
    IReadOnlyList<RefundSpec>? Refunds = null, DateTimeOffset? UpdatedAt = null)
{
    public DateTimeOffset Updated => UpdatedAt ?? CreatedAt;
}

public sealed record AdSpec(string Platform, string CampaignId, DateOnly Day, decimal Spend, string? Currency = null,
    long Impressions = 1000, long Clicks = 50, decimal Conversions = 2, decimal ConversionValue = 100m, string? CampaignName = null);

/// <summary>
/// Source events exactly as ingestion appends them: a <see cref="SourceRecordReceived"/> carrying the platform's record
/// verbatim, on the record's stream, with the design's idempotency keys.
/// </summary>
public static class SourceRecords
{
    private static readonly DateTimeOffset Received = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string Money(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);
    public static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);

    public static JsonElement OrderPayload(OrderSpec o)
    {
        var json = new JsonObject
        {
            ["id"] = o.Id, ["name"] = $"#{o.Id}", ["created_at"] = Time(o.CreatedAt), ["processed_at"] = Time(o.CreatedAt),
            ["updated_at"] = Time(o.Updated), ["currency"] = o.Currency, ["total_price"] = Money(o.Total),
            ["subtotal_price"] = Money(o.Total), ["total_discounts"] = "0.00", ["total_tax"] = "0.00",
            ["financial_status"] = o.FinancialStatus, ["cancelled_at"] = o.CancelledAt is null ? null : Time(o.CancelledAt.Value),
            ["test"] = o.Test, ["email"] = o.Email,
            ["line_items"] = new JsonArray(new JsonObject
            {
                ["id"] = o.Id * 10, ["product_id"] = 77, ["variant_id"] = 78, ["title"] = "Tee", ["quantity"] = 1,
                ["price"] = Money(o.Total), ["sku"] = "TEE",
            }),
            ["refunds"] = new JsonArray((o.Refunds ?? []).Select(r => (JsonNode)RefundJson(r, null)).ToArray()),
        };
        if (o.CustomerId is not null) json["customer"] = new JsonObject { ["id"] = o.CustomerId, ["email"] = o.Email };
        return JsonSerializer.SerializeToElement(json);
    }

    private static JsonObject RefundJson(RefundSpec r, long? orderId)
    {
        var json = new JsonObject
        {
            ["id"] = r.Id, ["created_at"] = Time(r.CreatedAt),
            ["transactions"] = new JsonArray(new JsonObject { ["kind"] = "refund", ["status"] = "success", ["amount"] = Money(r.Amount) }),
        };
        if (orderId is not null) json["order_id"] = orderId;
        return json;
    }

    public static NewEvent Order(string tenant, OrderSpec o, string? webhookId = null) =>
        Event(tenant, $"shopify:order:{o.Id}", webhookId ?? $"orders:{o.Id}:{Time(o.Updated)}", SourceEventTypes.ShopifyOrder, OrderPayload(o));

    public static JsonElement RefundPayload(long orderId, RefundSpec r) => JsonSerializer.SerializeToElement(RefundJson(r, orderId));

    public static NewEvent Refund(string tenant, long orderId, RefundSpec r) =>
        Event(tenant, $"shopify:refund:{r.Id}", $"refunds:{r.Id}", SourceEventTypes.ShopifyRefund, RefundPayload(orderId, r));

    public static JsonElement CustomerPayload(long id, string email, DateTimeOffset createdAt, DateTimeOffset? updatedAt = null) =>
        JsonSerializer.SerializeToElement(new JsonObject
        {
            ["id"] = id, ["email"] = email, ["first_name"] = "Jo", ["last_name"] = "Doe",
            ["created_at"] = Time(createdAt), ["updated_at"] = Time(updatedAt ?? createdAt),
        });

    public static NewEvent Customer(string tenant, long id, string email, DateTimeOffset createdAt, DateTimeOffset? updatedAt = null) =>
        Event(tenant, $"shopify:customer:{id}", $"customers:{id}:{Time(updatedAt ?? createdAt)}", SourceEventTypes.ShopifyCustomer,
            CustomerPayload(id, email, createdAt, updatedAt));

    /// <summary>Meta rows are flat insights rows; Google rows are flat v1 rows (cost in micros).</summary>
    public static JsonElement AdPayload(AdSpec a) => a.Platform == "meta"
        ? JsonSerializer.SerializeToElement(new JsonObject
        {
            ["account_id"] = "act_1", ["campaign_id"] = a.CampaignId, ["campaign_name"] = a.CampaignName ?? $"Campaign {a.CampaignId}",
            ["date_start"] = a.Day.ToString("yyyy-MM-dd"), ["date_stop"] = a.Day.ToString("yyyy-MM-dd"), ["spend"] = Money(a.Spend),
            ["impressions"] = a.Impressions.ToString(CultureInfo.InvariantCulture), ["clicks"] = a.Clicks.ToString(CultureInfo.InvariantCulture),
            ["account_currency"] = a.Currency,
            ["actions"] = new JsonArray(new JsonObject { ["action_type"] = "omni_purchase", ["value"] = a.Conversions.ToString(CultureInfo.InvariantCulture) },
                new JsonObject { ["action_type"] = "offsite_conversion.fb_pixel_purchase", ["value"] = "999" }),
            ["action_values"] = new JsonArray(new JsonObject { ["action_type"] = "omni_purchase", ["value"] = Money(a.ConversionValue) }),
        })
        : JsonSerializer.SerializeToElement(new JsonObject
        {
            ["customer_id"] = "123-456", ["campaign_id"] = a.CampaignId, ["campaign_name"] = a.CampaignName ?? $"Campaign {a.CampaignId}",
            ["date"] = a.Day.ToString("yyyy-MM-dd"), ["cost_micros"] = (long)(a.Spend * 1_000_000m), ["impressions"] = a.Impressions,
            ["clicks"] = a.Clicks, ["conversions"] = a.Conversions, ["conversions_value"] = a.ConversionValue, ["currency_code"] = a.Currency,
        });

    public static NewEvent Ad(string tenant, AdSpec a)
    {
        var payload = AdPayload(a);
        var row = (a.Platform == "meta" ? MetaInsightsRow.Parse(payload) : GoogleAdsRow.Parse(payload)).ValueOrThrow();
        return Event(tenant, row.StreamId, row.IdempotencyKey,
            a.Platform == "meta" ? SourceEventTypes.MetaInsightsRow : SourceEventTypes.GoogleAdsRow, payload);
    }

    public static NewEvent Event(string tenant, string stream, string key, string type, JsonElement payload) =>
        NewEvent.Create(tenant, stream, key, SourceRecordReceived.Create(type, stream.Split(':')[0], Channels.Batch, null, Received, null, payload));
}

/// <summary>Products and checkouts, for the read models later analytics use.</summary>
public static class CatalogRecords
{
    public static JsonElement ProductPayload(long id, string title, DateTimeOffset updatedAt, decimal price) =>
        JsonSerializer.SerializeToElement(new JsonObject
        {
            ["id"] = id, ["title"] = title, ["product_type"] = "Apparel", ["vendor"] = "Acme", ["status"] = "ACTIVE",
            ["updated_at"] = SourceRecords.Time(updatedAt),
            ["variants"] = new JsonArray(new JsonObject { ["id"] = id * 10, ["price"] = SourceRecords.Money(price), ["sku"] = $"SKU-{id}" }),
        });

    public static JsonElement CheckoutPayload(string token, string? email, DateTimeOffset createdAt, DateTimeOffset updatedAt,
        DateTimeOffset? completedAt, decimal total) =>
        JsonSerializer.SerializeToElement(new JsonObject
        {
            ["token"] = token, ["email"] = email, ["created_at"] = SourceRecords.Time(createdAt), ["updated_at"] = SourceRecords.Time(updatedAt),
            ["completed_at"] = completedAt is null ? null : SourceRecords.Time(completedAt.Value), ["total_price"] = SourceRecords.Money(total),
            ["currency"] = "USD", ["abandoned_checkout_url"] = $"https://shop.example/recover/{token}",
        });
}

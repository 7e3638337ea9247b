using GrowHalo.Platform.Events;
using GrowHalo.Ingestion;

namespace GrowHalo.Tests.Dashboard.Live;

/// <summary>Source events as the ingestion side appends them: the platform's record verbatim in a SourceRecordReceived.</summary>
public static class SampleEvents
{
    public static NewEvent ShopifyOrder(string tenantId, long id, DateTimeOffset placedAt, decimal total, string customerId)
    {
        var updatedAt = placedAt.ToString("yyyy-MM-ddTHH:mm:ssZ");
        var payload = EventJson.ToElement(new
        {
            id,
            name = $"#{id}",
            created_at = updatedAt,
            updated_at = updatedAt,
            processed_at = updatedAt,
            currency = "USD",
            total_price = total.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
            financial_status = "paid",
            test = false,
            cancelled_at = (string?)null,
            customer = new { id = customerId, email = $"{customerId}@example.com" },
            line_items = new[] { new { id = id * 10, title = "Halo serum", quantity = 1, price = total.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) } },
            refunds = Array.Empty<object>(),
        });
        return NewEvent.Create(tenantId, $"shopify:order:{id}", $"orders:{id}:{updatedAt}", SourceRecordReceived.Create(SourceEventTypes.ShopifyOrder, "shopify", Channels.Batch, null, placedAt, null, payload));
    }

    public static NewEvent MetaRow(string tenantId, string campaignId, string campaignName, DateOnly day, decimal spend, decimal purchaseValue)
    {
        string Money(decimal v) => v.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        var payload = EventJson.ToElement(new
        {
            account_id = "act_1001",
            campaign_id = campaignId,
            campaign_name = campaignName,
            date_start = day.ToString("yyyy-MM-dd"),
            date_stop = day.ToString("yyyy-MM-dd"),
            spend = Money(spend),
            impressions = "1000",
            clicks = "40",
            account_currency = "USD",
            actions = new[] { new { action_type = "omni_purchase", value = "2" } },
            action_values = new[] { new { action_type = "omni_purchase", value = Money(purchaseValue) } },
        });
        return NewEvent.Create(tenantId, $"meta:campaign:{campaignId}", $"{campaignId}:{day:yyyy-MM-dd}:{Money(spend)}:{Money(purchaseValue)}", SourceRecordReceived.Create(SourceEventTypes.MetaInsightsRow, "meta", Channels.Batch, null, DateTimeOffset.UtcNow, null, payload));
    }

    public static NewEvent GoogleRow(string tenantId, string campaignId, string campaignName, DateOnly day, decimal spend, decimal conversionsValue)
    {
        var payload = EventJson.ToElement(new
        {
            customer_id = "2002",
            campaign_id = campaignId,
            campaign_name = campaignName,
            date = day.ToString("yyyy-MM-dd"),
            cost_micros = (long)(spend * 1_000_000m),
            impressions = 800,
            clicks = 30,
            conversions = 1.0,
            conversions_value = (double)conversionsValue,
            currency_code = "USD",
        });
        return NewEvent.Create(tenantId, $"google:campaign:{campaignId}", $"{campaignId}:{day:yyyy-MM-dd}:{spend}:{conversionsValue}", SourceRecordReceived.Create(SourceEventTypes.GoogleAdsRow, "google", Channels.Batch, null, DateTimeOffset.UtcNow, null, payload));
    }
}

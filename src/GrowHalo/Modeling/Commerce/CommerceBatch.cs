using System.Text.Json;
using GrowHalo.Platform.Events;
using JasperFx.Events;
using GrowHalo.Ingestion;
using GrowHalo.Ingestion.Google;
using GrowHalo.Ingestion.Meta;
using GrowHalo.Ingestion.Shopify;

namespace GrowHalo.Modeling.Commerce;

/// <summary>
/// One batch of source events parsed and reduced to what the read models need: the newest version of each order,
/// customer, product, checkout and cart in the batch (ties: the first to arrive, as across batches), every refund once,
/// and the last-arrived row of each ad day. Reducing first keeps each write one set-based statement. It is the commerce
/// projection's reducer: the feed hands it each event as the page is read, and it keeps only what it parsed.
/// </summary>
internal sealed class CommerceBatch
{
    public Dictionary<(string Tenant, string Id), ShopifyOrder> Orders { get; } = [];
    public Dictionary<(string Tenant, string Id), ShopifyRefund> Refunds { get; } = [];
    public Dictionary<(string Tenant, string Id), ShopifyCustomer> Customers { get; } = [];
    public Dictionary<(string Tenant, string Id), ShopifyProduct> Products { get; } = [];
    public Dictionary<(string Tenant, string Id), ShopifyCheckout> Checkouts { get; } = [];
    public Dictionary<(string Tenant, string Id), ShopifyCart> Carts { get; } = [];
    public Dictionary<(string Tenant, string Platform, string Account, string Campaign, DateOnly Day), AdSpendRow> AdRows { get; } = [];
    public Dictionary<string, (DateTimeOffset LastEventAt, long Events)> Freshness { get; } = [];

    /// <summary>
    /// Each kept order's line items as the JSON its row stores. Made with the rest of the batch, so that a page read
    /// ahead (ProjectionRunner's read-ahead) arrives with this work done, off the applying transaction's path.
    /// </summary>
    public Dictionary<(string Tenant, string Id), byte[]> LineItemsJson { get; } = [];

    public IReadOnlyList<string> Tenants => Freshness.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>The page reduced; throws <see cref="FormatException"/> for a payload its parser rejects, so the page is retried event by event and that one recorded as failed.</summary>
    public static CommerceBatch Reduce(IReadOnlyList<IEvent> events)
    {
        var batch = new CommerceBatch();
        foreach (var e in events) batch.Add(e);
        foreach (var (key, order) in batch.Orders) batch.LineItemsJson[key] = JsonSerializer.SerializeToUtf8Bytes(order.LineItems, EventJson.Options);
        return batch;
    }

    private void Add(IEvent e)
    {
        if (e.Data is not SourceRecordReceived record) return;
        AddPayload(e.TenantId, record);
        var seen = Freshness.GetValueOrDefault(e.TenantId);
        Freshness[e.TenantId] = (e.Timestamp > seen.LastEventAt ? e.Timestamp : seen.LastEventAt, seen.Events + 1);
    }

    private void AddPayload(string tenant, SourceRecordReceived record)
    {
        var payload = record.Payload;
        switch (record.EventType)
        {
            case SourceEventTypes.ShopifyOrder:
                var order = ShopifyOrder.Parse(payload).ValueOrThrow();
                KeepNewest(Orders, (tenant, order.Id), order, o => o.UpdatedAt);
                foreach (var refund in order.Refunds) Refunds.TryAdd((tenant, refund.Id), refund);
                break;
            case SourceEventTypes.ShopifyRefund:
                var standalone = ShopifyRefundParser.Parse(payload).ValueOrThrow();
                Refunds.TryAdd((tenant, standalone.Id), standalone);
                break;
            case SourceEventTypes.ShopifyCustomer:
                var customer = ShopifyCustomer.Parse(payload).ValueOrThrow();
                KeepNewest(Customers, (tenant, customer.Id), customer, c => c.UpdatedAt);
                break;
            case SourceEventTypes.ShopifyProduct:
                var product = ShopifyProduct.Parse(payload).ValueOrThrow();
                KeepNewest(Products, (tenant, product.Id), product, p => p.UpdatedAt);
                break;
            case SourceEventTypes.ShopifyCheckout:
                var checkout = ShopifyCheckout.Parse(payload).ValueOrThrow();
                KeepNewest(Checkouts, (tenant, checkout.Id), checkout, c => c.UpdatedAt);
                break;
            case SourceEventTypes.ShopifyCart:
                var cart = ShopifyCart.Parse(payload).ValueOrThrow();
                KeepNewest(Carts, (tenant, cart.Token), cart, c => c.UpdatedAt);
                break;
            case SourceEventTypes.MetaInsightsRow:
                AddAdRow(tenant, MetaInsightsRow.Parse(payload).ValueOrThrow());
                break;
            case SourceEventTypes.GoogleAdsRow:
                AddAdRow(tenant, GoogleAdsRow.Parse(payload).ValueOrThrow());
                break;
        }
    }

    private void AddAdRow(string tenant, AdSpendRow row) =>
        AdRows[(tenant, row.Platform, row.AccountId ?? "", row.CampaignId, row.Date)] = row; // the last to arrive wins

    private static void KeepNewest<T>(Dictionary<(string, string), T> map, (string, string) key, T value, Func<T, DateTimeOffset> updatedAt)
    {
        if (!map.TryGetValue(key, out var held) || updatedAt(value) > updatedAt(held)) map[key] = value;
    }
}

using GrowHalo.Ingestion;
using GrowHalo.Ingestion.Shopify;
using GrowHalo.Platform.Tenancy;
using Marten;

namespace GrowHalo.Analytics.Orders;

/// <summary>
/// The versions of orders and customer records as they were received, read from their event streams
/// (<c>shopify:order:{id}</c>, <c>shopify:customer:{id}</c>): the read models keep only the newest version, and the
/// history of an order (placed, edited, cancelled) or of a customer record is what the streams hold. Read through
/// Marten in the request's tenant transaction: the session is the tenant's (conjoined tenancy) and row-level
/// security stands behind it.
/// </summary>
internal static class SourceVersions
{
    /// <summary>One distinct version (by updated_at) and when GrowHalo first stored it; redeliveries of it are not repeated.</summary>
    public sealed record Version<T>(T Record, DateTimeOffset UpdatedAt, DateTimeOffset ReceivedAt);

    public static async Task<(Dictionary<string, List<Version<ShopifyOrder>>> Orders, List<Version<ShopifyCustomer>> Customer)> ReadAsync(
        TenantDb db, IDocumentStore store, IReadOnlyCollection<string> orderIds, string? customerId, CancellationToken ct)
    {
        var streams = orderIds.Select(id => $"shopify:order:{id}").ToList();
        if (customerId is not null) streams.Add($"shopify:customer:{customerId}");
        var orders = new Dictionary<string, List<Version<ShopifyOrder>>>();
        var customer = new List<Version<ShopifyCustomer>>();
        if (streams.Count == 0) return (orders, customer);

        var options = Marten.Services.SessionOptions.ForTransaction(db.Transaction);
        options.TenantId = db.TenantId;
        await using var session = store.QuerySession(options);
        var keys = streams.ToArray();
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey!.IsOneOf(keys))
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);
        foreach (var e in events)
        {
            if (e.Data is not SourceRecordReceived record) continue;
            // A version the projection rejected is left out here too (it is reported by projection status).
            if (record.EventType == SourceEventTypes.ShopifyOrder && ShopifyOrder.Parse(record.Payload) is { IsValid: true, Value: { } order })
            {
                if (!orders.TryGetValue(order.Id, out var list)) orders[order.Id] = list = [];
                if (list.All(v => v.UpdatedAt != order.UpdatedAt)) list.Add(new(order, order.UpdatedAt, e.Timestamp));
            }
            else if (record.EventType == SourceEventTypes.ShopifyCustomer && ShopifyCustomer.Parse(record.Payload) is { IsValid: true, Value: { } c })
            {
                if (customer.All(v => v.UpdatedAt != c.UpdatedAt)) customer.Add(new(c, c.UpdatedAt, e.Timestamp));
            }
        }
        foreach (var list in orders.Values) list.Sort((a, b) => a.UpdatedAt.CompareTo(b.UpdatedAt));
        customer.Sort((a, b) => a.UpdatedAt.CompareTo(b.UpdatedAt));
        return (orders, customer);
    }
}

using System.Text.Json;
using GrowHalo.Ingestion;
using GrowHalo.Ingestion.Shopify;
using Npgsql;

namespace GrowHalo.Privacy;

/// <summary>One stored event that holds something of the customer.</summary>
public sealed record CustomerEvent(long SeqId, Guid Id, string StreamId, string Type, long Version, DateTimeOffset Timestamp, JsonElement Data)
{
    public JsonElement Payload => Data.TryGetProperty("payload", out var p) ? p : default;
}

/// <summary>
/// Every record GrowHalo holds of one customer of one tenant: the raw events (customer records, orders, checkouts,
/// carts, the refunds of those orders, earlier privacy requests about the customer) and the customer keys the read
/// models know them by (<c>id:123</c> and/or <c>email:jane@example.com</c>, and those of every matched record).
/// <para>Found by the events themselves, not the read models (which may lag or be rebuilt): a cheap text filter over
/// the tenant's Shopify events (the id or e-mail appears in the body), then each candidate parsed with its source's
/// parser and kept only when it is really the customer's (its customer id, its e-mail, or an order Shopify named).</para>
/// </summary>
public sealed record CustomerRecords(IReadOnlyList<CustomerEvent> Events, IReadOnlySet<string> Keys, IReadOnlySet<string> OrderIds,
    IReadOnlySet<string> CheckoutIds, IReadOnlySet<string> CartTokens)
{
    private static readonly string[] Types =
    [
        SourceEventTypes.ShopifyOrder, SourceEventTypes.ShopifyCustomer, SourceEventTypes.ShopifyCheckout, SourceEventTypes.ShopifyCart,
        ShopifyPrivacyRequestReceived.TypeName,
    ];

    public static async Task<CustomerRecords> FindAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string tenantId, string? customerId,
        string? email, IReadOnlyList<string> orderIds, CancellationToken ct)
    {
        email = email?.Trim().ToLowerInvariant();
        var needles = new[] { customerId, email }.Concat(orderIds).OfType<string>().Where(n => n.Length > 0)
            .Select(n => "%" + Like(n) + "%").ToArray();
        var events = new List<CustomerEvent>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var orders = new HashSet<string>(orderIds, StringComparer.Ordinal);
        var checkouts = new HashSet<string>(StringComparer.Ordinal);
        var carts = new HashSet<string>(StringComparer.Ordinal);
        if (ShopifyCustomer.KeyOf(customerId, null) is { } idKey) keys.Add(idKey);
        if (ShopifyCustomer.KeyOf(null, email) is { } emailKey) keys.Add(emailKey);
        if (needles.Length == 0) return new CustomerRecords(events, keys, orders, checkouts, carts);

        foreach (var e in await ReadAsync(conn, tx, tenantId, Types, needles, ct))
        {
            var payload = e.Payload;
            var (mine, key) = e.Type switch
            {
                SourceEventTypes.ShopifyOrder when ShopifyOrder.Parse(payload).Value is { } o && (Mine(o.CustomerId, o.Email) || orders.Contains(o.Id))
                    => (orders.Add(o.Id) || true, o.CustomerKey),
                SourceEventTypes.ShopifyCustomer when ShopifyCustomer.Parse(payload).Value is { } c && Mine(c.Id, c.Email) => (true, c.Key),
                SourceEventTypes.ShopifyCheckout when ShopifyCheckout.Parse(payload).Value is { } k && Mine(k.CustomerId, k.Email)
                    => (checkouts.Add(k.Id) || true, k.CustomerKey),
                SourceEventTypes.ShopifyCart when ShopifyCart.Parse(payload).Value is { } t && Mine(t.CustomerId, t.Email)
                    => (carts.Add(t.Token) || true, t.CustomerKey),
                ShopifyPrivacyRequestReceived.TypeName when PrivacyAsk.Parse(PrivacyTopicOf(e), payload).Value is { } ask && Mine(ask.CustomerId, ask.Email)
                    => (true, null),
                _ => (false, null),
            };
            if (!mine) continue;
            events.Add(e);
            if (key is not null) keys.Add(key);
        }
        // Refunds arrive on their own streams and name their order: those of the customer's orders are the customer's too.
        if (orders.Count > 0)
            foreach (var e in await ReadAsync(conn, tx, tenantId, [SourceEventTypes.ShopifyRefund], orders.Select(o => "%" + Like(o) + "%").ToArray(), ct))
                if (ShopifyRefundParser.Parse(e.Payload).Value is { } r && orders.Contains(r.OrderId))
                    events.Add(e);
        return new CustomerRecords(events, keys, orders, checkouts, carts);

        bool Mine(string? id, string? mail) =>
            (customerId is not null && id == customerId) || (email is not null && mail?.Trim().ToLowerInvariant() == email);
    }

    private static string PrivacyTopicOf(CustomerEvent e) =>
        e.Data.TryGetProperty("topic", out var t) && PrivacyTopics.Is(t.GetString()) ? t.GetString()! : PrivacyTopics.ShopRedact;

    private static string Like(string value) => value.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");

    private static async Task<List<CustomerEvent>> ReadAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string tenantId, string[] types,
        string[] needles, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select seq_id, id, stream_id, type, version, timestamp, data::text
            from mt_events
            where tenant_id = $1 and type = any($2) and data::text ilike any($3)
            order by seq_id
            """, conn, tx)
        {
            Parameters = { new() { Value = tenantId }, new() { Value = types }, new() { Value = needles } },
        };
        var found = new List<CustomerEvent>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            found.Add(new CustomerEvent(r.GetInt64(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
                r.GetFieldValue<DateTimeOffset>(5), JsonDocument.Parse(r.GetString(6)).RootElement.Clone()));
        return found;
    }
}

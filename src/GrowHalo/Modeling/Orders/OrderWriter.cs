using GrowHalo.Platform.Events.Projections;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Database;

namespace GrowHalo.Modeling.Orders;

/// <summary>
/// Upserts the newest version of each order in one statement. A version whose updated_at is not greater than the one
/// held changes nothing, so an older version arriving later is ignored. Reports each material change (a new order, or
/// a new placed time, counted state, total, currency, customer or e-mail) with the order's old and new day and
/// customer, which is what the summaries and customers must recompute; most updates (fulfilment, tags) are not.
/// </summary>
internal static class OrderWriter
{
    /// <summary>A material change: the order as it counts now, and as it counted before (Old* null for a new order).</summary>
    public sealed record Change(string Tenant, string OrderId, DateOnly NewDay, string? NewKey, DateOnly? OldDay, string? OldKey)
    {
        public required Counted Now { get; init; }
        public Counted? Before { get; init; }
    }

    /// <summary>What an order adds to its day's totals: its total in its currency ('' when none), if it counts.</summary>
    public readonly record struct Counted(bool IsCounted, decimal Total, string Currency);

    private const string Sql = """
        with input as (
            select i.*, (i.placed_at at time zone coalesce(t.time_zone, 'UTC'))::date as placed_day
            from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[],
                        $7::text[], $8::numeric[], $9::numeric[], $10::numeric[], $11::numeric[], $12::numeric[],
                        $13::text[], $14::timestamptz[], $15::boolean[], $16::boolean[], $17::text[], $18::text[], $19::jsonb[],
                        $20::text[], $21::text[])
                 as i(tenant_id, order_id, name, created_at, placed_at, updated_at, currency, total_price, subtotal_price,
                      total_discounts, total_tax, total_shipping, financial_status, cancelled_at, test, counted,
                      customer_key, email, line_items, checkout_token, cart_token)
            left join tenants t on t.id = i.tenant_id),
        -- One index lookup per input row: as a plain join the planner hashes the whole orders table while it is small.
        before as (
            select b.* from input i
            cross join lateral (
                select o.tenant_id, o.order_id, o.placed_day, o.customer_key, o.placed_at, o.counted, o.total_price, o.currency, o.email
                from orders o where o.tenant_id = i.tenant_id and o.order_id = i.order_id limit 1) b),
        written as (
            insert into orders as o (tenant_id, order_id, name, created_at, placed_at, placed_day, updated_at, currency,
                total_price, subtotal_price, total_discounts, total_tax, total_shipping, financial_status, cancelled_at,
                test, counted, customer_key, email, line_items, checkout_token, cart_token)
            select tenant_id, order_id, name, created_at, placed_at, placed_day, updated_at, currency,
                total_price, subtotal_price, total_discounts, total_tax, total_shipping, financial_status, cancelled_at,
                test, counted, customer_key, email, line_items, checkout_token, cart_token
            from input
            on conflict (tenant_id, order_id) do update set
                name = excluded.name, created_at = excluded.created_at, placed_at = excluded.placed_at,
                placed_day = excluded.placed_day, updated_at = excluded.updated_at, currency = excluded.currency,
                total_price = excluded.total_price, subtotal_price = excluded.subtotal_price,
                total_discounts = excluded.total_discounts, total_tax = excluded.total_tax,
                total_shipping = excluded.total_shipping, financial_status = excluded.financial_status,
                cancelled_at = excluded.cancelled_at, test = excluded.test, counted = excluded.counted,
                customer_key = excluded.customer_key, email = excluded.email, line_items = excluded.line_items,
                checkout_token = excluded.checkout_token, cart_token = excluded.cart_token
            where excluded.updated_at > o.updated_at
            returning o.tenant_id, o.order_id, o.placed_day, o.customer_key, o.placed_at, o.counted, o.total_price, o.currency, o.email)
        select w.tenant_id, w.order_id, w.placed_day, w.customer_key, b.placed_day, b.customer_key,
               w.counted, w.total_price, coalesce(w.currency, ''), b.counted, b.total_price, coalesce(b.currency, '')
        from written w left join before b on b.tenant_id = w.tenant_id and b.order_id = w.order_id
        where b.order_id is null
           or (w.placed_at, w.placed_day, w.counted, w.total_price, w.currency, w.customer_key, w.email)
              is distinct from (b.placed_at, b.placed_day, b.counted, b.total_price, b.currency, b.customer_key, b.email)
        """;

    public static async Task<List<Change>> WriteAsync(ProjectionContext context, CommerceBatch batch, CancellationToken ct)
    {
        var changes = new List<Change>();
        if (batch.Orders.Count == 0) return changes;
        var list = batch.Orders.Select(o => (o.Key.Tenant, Order: o.Value)).ToList();
        await using var cmd = context.Command(Sql)
            .WithTexts(list.Select(x => x.Tenant)).WithTexts(list.Select(x => x.Order.Id)).WithTexts(list.Select(x => x.Order.Name))
            .WithTimestamps(list.Select(x => x.Order.CreatedAt)).WithTimestamps(list.Select(x => x.Order.PlacedAt))
            .WithTimestamps(list.Select(x => x.Order.UpdatedAt)).WithTexts(list.Select(x => x.Order.Currency))
            .With(list.Select(x => x.Order.TotalPrice).ToArray()).With(list.Select(x => x.Order.SubtotalPrice).ToArray())
            .With(list.Select(x => x.Order.TotalDiscounts).ToArray()).With(list.Select(x => x.Order.TotalTax).ToArray())
            .With(list.Select(x => x.Order.TotalShipping).ToArray()).WithTexts(list.Select(x => x.Order.FinancialStatus))
            .WithTimestamps(list.Select(x => x.Order.CancelledAt)).With(list.Select(x => x.Order.Test).ToArray())
            .With(list.Select(x => x.Order.IsCounted).ToArray()).WithTexts(list.Select(x => x.Order.CustomerKey))
            .WithTexts(list.Select(x => x.Order.Email))
            .WithJsonArray(list.Select(x => batch.LineItemsJson[(x.Tenant, x.Order.Id)]))
            .WithTexts(list.Select(x => x.Order.CheckoutToken)).WithTexts(list.Select(x => x.Order.CartToken));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            changes.Add(new Change(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetFieldValue<DateOnly>(4), r.IsDBNull(5) ? null : r.GetString(5))
            {
                Now = new Counted(r.GetBoolean(6), r.GetDecimal(7), r.GetString(8)),
                Before = r.IsDBNull(9) ? null : new Counted(r.GetBoolean(9), r.GetDecimal(10), r.GetString(11)),
            });
        return changes;
    }
}

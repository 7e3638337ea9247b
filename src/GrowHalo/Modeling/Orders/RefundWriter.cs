using GrowHalo.Platform.Events.Projections;
using GrowHalo.Ingestion.Shopify;
using GrowHalo.Platform.Database;

namespace GrowHalo.Modeling.Orders;

/// <summary>
/// Stores each refund once (by refund id), dated by its own created_at in the tenant's time zone. Reports the days and
/// customers to recompute: those of new refunds, and those of every refund of an order that changed (a cancelled
/// order's refunds stop counting; its currency is theirs).
/// </summary>
internal static class RefundWriter
{
    public sealed record Touch(string Tenant, DateOnly Day, string? CustomerKey);

    private const string Sql = """
        with input as (
            select i.tenant_id, i.refund_id, i.order_id, i.created_at, i.amount,
                   (i.created_at at time zone coalesce(t.time_zone, 'UTC'))::date as refund_day
            from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::numeric[])
                 as i(tenant_id, refund_id, order_id, created_at, amount)
            left join tenants t on t.id = i.tenant_id),
        written as (
            insert into order_refunds (tenant_id, refund_id, order_id, created_at, refund_day, amount)
            select tenant_id, refund_id, order_id, created_at, refund_day, amount from input
            on conflict (tenant_id, refund_id) do nothing
            returning tenant_id, order_id, refund_day),
        of_changed_orders as (
            select r.tenant_id, r.order_id, r.refund_day
            from order_refunds r
            join unnest($6::text[], $7::text[]) as c(tenant_id, order_id) on c.tenant_id = r.tenant_id and c.order_id = r.order_id)
        select x.tenant_id, x.refund_day, o.customer_key
        from (select * from written union all select * from of_changed_orders) x
        left join orders o on o.tenant_id = x.tenant_id and o.order_id = x.order_id
        """;

    public static async Task<List<Touch>> WriteAsync(ProjectionContext context, IReadOnlyCollection<KeyValuePair<(string Tenant, string Id), ShopifyRefund>> refunds,
        IReadOnlyCollection<OrderWriter.Change> changedOrders, CancellationToken ct)
    {
        var touches = new List<Touch>();
        if (refunds.Count == 0 && changedOrders.Count == 0) return touches;
        var list = refunds.Select(r => (r.Key.Tenant, Refund: r.Value)).ToList();
        await using var cmd = context.Command(Sql)
            .WithTexts(list.Select(x => x.Tenant)).WithTexts(list.Select(x => x.Refund.Id)).WithTexts(list.Select(x => x.Refund.OrderId))
            .WithTimestamps(list.Select(x => x.Refund.CreatedAt)).With(list.Select(x => x.Refund.Amount).ToArray())
            .WithTexts(changedOrders.Select(c => c.Tenant)).WithTexts(changedOrders.Select(c => c.OrderId));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            touches.Add(new Touch(r.GetString(0), r.GetFieldValue<DateOnly>(1), r.IsDBNull(2) ? null : r.GetString(2)));
        return touches;
    }
}

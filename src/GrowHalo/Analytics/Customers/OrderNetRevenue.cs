namespace GrowHalo.Analytics.Customers;

/// <summary>
/// SQL for what each customer's counted orders are worth: every order's total price minus its refunds, in the
/// reporting currency, each amount at its own day's rate (<c>fx_rate</c>); an amount without a rate is left out
/// and <c>missing</c> says so. Parameters: $1 tenant, $3 first and $4 last order day, $5 reporting currency, and
/// $6 the last refund day that counts.
/// </summary>
internal static class OrderNetRevenue
{
    /// <summary>A CTE body: customer_key, orders, last_day, revenue, missing for the orders placed from $3 to $4.</summary>
    public const string PerCustomer = """
        select o.customer_key,
               count(*) as orders,
               max(o.placed_day) as last_day,
               sum(o.total_price * fx.rate - coalesce(rf.amount, 0)) as revenue,
               bool_or(fx.rate is null or coalesce(rf.missing, false)) as missing
        from orders o
        cross join lateral (select case when coalesce(o.currency, $5) = $5 then 1
                                        else fx_rate($1, o.placed_day, o.currency, $5) end as rate) fx
        left join lateral (
            select sum(x.amount * x.rate) as amount, bool_or(x.rate is null) as missing
            from (select r.amount, case when coalesce(o.currency, $5) = $5 then 1
                                        else fx_rate($1, r.refund_day, o.currency, $5) end as rate
                  from order_refunds r
                  where r.tenant_id = o.tenant_id and r.order_id = o.order_id and r.refund_day <= $6) x) rf on true
        where o.tenant_id = $1 and o.counted and o.customer_key is not null and o.placed_day between $3 and $4
        group by o.customer_key
        """;
}

namespace GrowHalo.Analytics.Customers.Checkouts;

/// <summary>
/// What became of each checkout, under its tenant's settings (tenants.abandoned_checkout_minutes and
/// recovery_window_days), as SQL for the checkout analytics and the customer timeline alike.
/// <list type="bullet">
/// <item><c>abandoned_at</c> = created_at + the cutoff; <c>completed_at</c> = the checkout's own completed_at, or the
/// placing of a counted order naming it by checkout_token, whichever is first.</item>
/// <item><c>outcome</c>: <c>completed</c> when completed by abandoned_at; else <c>open</c> while abandoned_at is still
/// ahead of now (not abandoned yet, not counted as abandoned); else <c>abandoned</c>.</item>
/// <item>An abandoned checkout is recovered by the first counted order placed after abandoned_at and no later than
/// abandoned_at + the recovery window that names its checkout token; else the first such order with its cart token;
/// else the first such order of the same customer key. <c>recovered_by</c> says which (checkout_token, cart_token,
/// customer); an order may recover several checkouts of one customer.</item>
/// </list>
/// </summary>
public static class CheckoutOutcomes
{
    /// <summary>
    /// CTEs to follow a caller's <c>with scoped_checkouts as (select … from checkouts where tenant_id = $1 …),</c>:
    /// they end in <c>checkout_outcomes</c> (checkout_id, cart_token, customer_key, email, created_at, total_price,
    /// currency, recovery_url, abandoned_at, recovery_ends_at, completed_at, outcome, recovering_order_id, recovered_at,
    /// recovered_by), one row per scoped checkout. Parameters: $1 tenant, $2 now (timestamptz); the caller's own
    /// start at $3.
    /// </summary>
    public const string Ctes = """
        checkout_settings as (
            select make_interval(mins => t.abandoned_checkout_minutes) as cutoff,
                   make_interval(days => t.recovery_window_days) as recovery_window
            from tenants t where t.id = $1),
        checkout_timing as (
            select c.checkout_id, c.cart_token, c.customer_key, c.email, c.created_at, c.total_price, c.currency, c.recovery_url,
                   c.created_at + s.cutoff as abandoned_at,
                   c.created_at + s.cutoff + s.recovery_window as recovery_ends_at,
                   least(c.completed_at, (select min(o.placed_at) from orders o
                                          where o.tenant_id = $1 and o.checkout_token = c.checkout_id and o.counted)) as completed_at
            from scoped_checkouts c cross join checkout_settings s),
        checkout_states as (
            select t.*, case when t.completed_at <= t.abandoned_at then 'completed'
                             when t.abandoned_at > $2::timestamptz then 'open'
                             else 'abandoned' end as outcome
            from checkout_timing t),
        checkout_outcomes as (
            select s.*,
                   coalesce(bt.order_id, bc.order_id, bk.order_id) as recovering_order_id,
                   coalesce(bt.placed_at, bc.placed_at, bk.placed_at) as recovered_at,
                   case when bt.order_id is not null then 'checkout_token'
                        when bc.order_id is not null then 'cart_token'
                        when bk.order_id is not null then 'customer' end as recovered_by
            from checkout_states s
            left join lateral (
                select o.order_id, o.placed_at from orders o
                where o.tenant_id = $1 and o.checkout_token = s.checkout_id and o.counted
                  and o.placed_at > s.abandoned_at and o.placed_at <= s.recovery_ends_at
                order by o.placed_at, o.order_id limit 1) bt on s.outcome = 'abandoned'
            left join lateral (
                select o.order_id, o.placed_at from orders o
                where o.tenant_id = $1 and o.cart_token = s.cart_token and o.counted
                  and o.placed_at > s.abandoned_at and o.placed_at <= s.recovery_ends_at
                order by o.placed_at, o.order_id limit 1) bc on s.outcome = 'abandoned' and s.cart_token is not null
            left join lateral (
                select o.order_id, o.placed_at from orders o
                where o.tenant_id = $1 and o.customer_key = s.customer_key and o.counted
                  and o.placed_at > s.abandoned_at and o.placed_at <= s.recovery_ends_at
                order by o.placed_at, o.order_id limit 1) bk on s.outcome = 'abandoned' and s.customer_key is not null)
        """;
}

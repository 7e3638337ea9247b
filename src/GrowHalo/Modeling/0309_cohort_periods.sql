-- What the cohorts answer reads instead of every order (Analytics/Customers/CohortsEndpoint), kept by the commerce
-- projection in its transaction (Modeling/Customers/CustomerPeriods): per customer and per month and per week
-- (Monday), the counted orders placed in it and its net revenue (those orders' total prices minus the refunds of the
-- customer's counted orders made in it, each at its own day's rate; an amount without a rate is left out), with the
-- customer's cohort being the period of customers.first_order_day (the first counted order). cohort_periods sums those
-- rows per cohort and period: active customers (with a counted order placed in it) and revenue. A cohort's size is its first period's active
-- customers (every member placed the first order then). Customers whose orders, refunds or rates change are
-- recomputed, and only the rows that changed move the sums (exact decimals: the sums always equal summing afresh).
create table if not exists customer_periods (
    tenant_id     text    not null,
    customer_key  text    not null,
    granularity   text    not null,   -- month | week
    period        date    not null,   -- the month's first day, or the week's Monday
    orders        integer not null,   -- counted orders placed in the period (0: only refunds in it)
    revenue       numeric not null,   -- reporting currency
    primary key (tenant_id, customer_key, granularity, period)
);

create table if not exists cohort_periods (
    tenant_id    text    not null,
    granularity  text    not null,
    cohort       date    not null,
    period       date    not null,
    active       bigint  not null,    -- the cohort's customers with a counted order placed in the period
    revenue      numeric not null,
    primary key (tenant_id, granularity, cohort, period)
);

select growhalo_enable_tenant_rls('customer_periods');
select growhalo_enable_tenant_rls('cohort_periods');

-- Databases that already hold orders start from them.
insert into customer_periods (tenant_id, customer_key, granularity, period, orders, revenue)
select a.tenant_id, a.customer_key, g.granularity, date_trunc(g.granularity, a.day::timestamp)::date,
       sum(a.orders), coalesce(sum(a.amount), 0)
from (
    select o.tenant_id, o.customer_key, c.first_order_day, o.placed_day as day, 1 as orders,
           o.total_price * case when coalesce(o.currency, x.reporting) = x.reporting then 1
                                else fx_rate(o.tenant_id, o.placed_day, o.currency, x.reporting) end as amount
    from orders o
    join customers c on c.tenant_id = o.tenant_id and c.customer_key = o.customer_key and c.first_order_day is not null
    left join tenants t on t.id = o.tenant_id
    cross join lateral (select coalesce(t.currency, 'USD') as reporting) x
    where o.counted
    union all
    select o.tenant_id, o.customer_key, c.first_order_day, r.refund_day, 0,
           -r.amount * case when coalesce(o.currency, x.reporting) = x.reporting then 1
                            else fx_rate(o.tenant_id, r.refund_day, o.currency, x.reporting) end
    from order_refunds r
    join orders o on o.tenant_id = r.tenant_id and o.order_id = r.order_id and o.counted
    join customers c on c.tenant_id = o.tenant_id and c.customer_key = o.customer_key and c.first_order_day is not null
    left join tenants t on t.id = o.tenant_id
    cross join lateral (select coalesce(t.currency, 'USD') as reporting) x
) a cross join (values ('month'), ('week')) g(granularity)
group by 1, 2, 3, 4
on conflict do nothing;

insert into cohort_periods (tenant_id, granularity, cohort, period, active, revenue)
select p.tenant_id, p.granularity, date_trunc(p.granularity, c.first_order_day::timestamp)::date, p.period,
       count(*) filter (where p.orders > 0), sum(p.revenue)
from customer_periods p join customers c on c.tenant_id = p.tenant_id and c.customer_key = p.customer_key
group by 1, 2, 3, 4
on conflict do nothing;

-- Running per-day totals that daily_summaries are recomputed from, kept by the commerce projection in the same
-- transaction as the orders and customers they sum. Recomputing a day then reads a few rows instead of every order
-- placed that day (a day of a big store has thousands). Amounts stay in the order's own currency (exact decimals,
-- '' when the order has none); conversion happens at recompute, at that day's rate, as before.
create table if not exists order_day_totals (
    tenant_id  text    not null,
    day        date    not null,
    currency   text    not null,
    gross      numeric not null,
    orders     bigint  not null,
    primary key (tenant_id, day, currency)
);

-- Customers by the day of their first counted order (what new_customers counts).
create table if not exists first_order_days (
    tenant_id  text   not null,
    day        date   not null,
    customers  bigint not null,
    primary key (tenant_id, day)
);

-- Databases that already hold documents start from them.
insert into order_day_totals (tenant_id, day, currency, gross, orders)
select tenant_id, placed_day, coalesce(currency, ''), sum(total_price), count(*)
from orders where counted group by 1, 2, 3
on conflict do nothing;

insert into first_order_days (tenant_id, day, customers)
select tenant_id, first_order_day, count(*)
from customers where first_order_day is not null group by 1, 2
on conflict do nothing;

select growhalo_enable_tenant_rls('order_day_totals');
select growhalo_enable_tenant_rls('first_order_days');

-- Nothing reads orders by day or customers by first-order day any more (the totals above answer both), and every
-- projected order and customer paid for keeping those indexes.
drop index if exists orders_by_day;
drop index if exists customers_by_first_day;

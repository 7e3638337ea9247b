-- Customers' order facts (first and last order, counts, lifetime spend; customers.first_order_* etc.) and
-- first_order_days move from the commerce projection to the "customers" projection, which follows it
-- (Modeling/Customers/CustomerFactsProjection.cs) on its own connection. Commerce queues here, in its own
-- transaction, the customers whose orders or refunds it changed, at the position of the batch's last event; the
-- customers projection takes what is queued in the range of positions a batch covers, recomputes those customers and the
-- days their first order moved between. A customer queued twice is recomputed once.
create table if not exists customer_fact_queue (
    tenant_id     text   not null,
    customer_key  text   not null,
    tx_id         xid8   not null,
    seq_id        bigint not null
);
create index if not exists customer_fact_queue_by_position on customer_fact_queue (tx_id, seq_id);
select growhalo_enable_tenant_rls('customer_fact_queue');

-- Until now commerce computed the facts itself: they are up to date wherever commerce stands.
insert into projection_progress (name, tx_id, seq_id, updated_at)
select 'customers', tx_id, seq_id, now() from projection_progress where name = 'commerce'
on conflict (name) do nothing;

-- Clean read models projected by the "commerce" projection from source events (see Modeling/Commerce).
-- Every table is keyed by tenant first; days are calendar days in the tenant's time zone at projection time.
-- Amounts stay in the record's own currency here; conversion to the reporting currency happens when summing.

create table if not exists orders (
    tenant_id        text        not null,
    order_id         text        not null,
    name             text,
    created_at       timestamptz not null,
    placed_at        timestamptz not null,     -- processed_at, else created_at
    placed_day       date        not null,     -- tenant-local day of placed_at
    updated_at       timestamptz not null,     -- the version held: the greatest updated_at seen
    currency         text,                     -- null: the tenant's reporting currency
    total_price      numeric     not null,     -- before refunds, as Shopify reports it
    subtotal_price   numeric     not null,
    total_discounts  numeric     not null,
    total_tax        numeric     not null,
    total_shipping   numeric     not null,
    financial_status text,
    cancelled_at     timestamptz,
    test             boolean     not null,
    counted          boolean     not null,     -- not a test, not cancelled, not voided
    customer_key     text,                     -- id:123 or email:jane@example.com; null for an anonymous order
    email            text,
    line_items       jsonb       not null,
    primary key (tenant_id, order_id)
);
create index if not exists orders_by_day on orders (tenant_id, placed_day);
create index if not exists orders_by_customer on orders (tenant_id, customer_key);

-- Refunds are dated by their own created_at, deduplicated by refund id (they arrive alone and inside later order versions).
create table if not exists order_refunds (
    tenant_id   text        not null,
    refund_id   text        not null,
    order_id    text        not null,
    created_at  timestamptz not null,
    refund_day  date        not null,
    amount      numeric     not null,
    primary key (tenant_id, refund_id)
);
create index if not exists order_refunds_by_day on order_refunds (tenant_id, refund_day);
create index if not exists order_refunds_by_order on order_refunds (tenant_id, order_id);

-- One row per customer key that has a Shopify customer record or any order. The order facts are recomputed from
-- orders whenever one of the customer's orders or refunds changes.
create table if not exists customers (
    tenant_id          text        not null,
    customer_key       text        not null,
    customer_id        text,                   -- the Shopify id, for id: keys
    email              text generated always as (coalesce(record_email, order_email)) stored,
    record_email       text,                   -- from the customer record
    order_email        text,                   -- from the customer's most recently placed order
    first_name         text,
    last_name          text,
    created_at         timestamptz,            -- the customer record's created_at
    record_updated_at  timestamptz,            -- null when no customer record has arrived (guest checkouts)
    first_order_at     timestamptz,            -- first counted order
    first_order_day    date,
    last_order_at      timestamptz,
    last_order_day     date,
    orders_count       integer     not null default 0,   -- counted orders
    lifetime_spend     numeric     not null default 0,   -- counted orders net of their refunds, reporting currency
    missing_fx_rates   boolean     not null default false, -- some amount had no rate and is left out of lifetime_spend
    primary key (tenant_id, customer_key)
);
create index if not exists customers_by_first_day on customers (tenant_id, first_order_day);

-- The latest restatement (the row that arrived last) of each platform, account, campaign and day.
create table if not exists ad_spend (
    tenant_id         text    not null,
    platform          text    not null,
    account_id        text    not null default '',
    campaign_id       text    not null,
    day               date    not null,           -- as the platform reports it (the ad account's day)
    campaign_name     text,
    spend             numeric not null,
    impressions       bigint  not null,
    clicks            bigint  not null,
    conversions       numeric not null,
    conversion_value  numeric not null,           -- platform-reported, account currency
    currency          text,                       -- null: the tenant's reporting currency
    primary key (tenant_id, platform, account_id, campaign_id, day)
);
create index if not exists ad_spend_by_day on ad_spend (tenant_id, day);

create table if not exists products (
    tenant_id     text        not null,
    product_id    text        not null,
    title         text        not null,
    product_type  text,
    vendor        text,
    status        text,
    updated_at    timestamptz not null,
    variants      jsonb       not null,
    primary key (tenant_id, product_id)
);

create table if not exists checkouts (
    tenant_id     text        not null,
    checkout_id   text        not null,
    customer_key  text,
    email         text,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    completed_at  timestamptz,
    total_price   numeric     not null,
    currency      text,
    recovery_url  text,
    primary key (tenant_id, checkout_id)
);
create index if not exists checkouts_open on checkouts (tenant_id, created_at) where completed_at is null;

-- How fresh the read models are: the newest event (by store time) the commerce projection has applied, per tenant.
create table if not exists read_model_freshness (
    tenant_id      text        primary key,
    last_event_at  timestamptz not null,
    events         bigint      not null
);

-- Row-level security (Platform/Tenancy/0102): request code reading through TenantDb sees only its tenant's rows.
select growhalo_enable_tenant_rls('orders');
select growhalo_enable_tenant_rls('order_refunds');
select growhalo_enable_tenant_rls('customers');
select growhalo_enable_tenant_rls('ad_spend');
select growhalo_enable_tenant_rls('products');
select growhalo_enable_tenant_rls('checkouts');
select growhalo_enable_tenant_rls('read_model_freshness');

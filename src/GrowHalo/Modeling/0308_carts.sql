-- Carts (Shopify carts/create and carts/update, batch eventType cart), latest state by updated_at: the top of the
-- checkout funnel (GET /api/v1/analytics/checkouts). Projected by the commerce projection.
create table if not exists carts (
    tenant_id     text        not null,
    cart_token    text        not null,
    customer_key  text,                      -- id:123 or email:jane@example.com when the cart names a customer
    email         text,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    line_items    integer     not null,      -- lines in the cart
    quantity      bigint      not null,      -- units over all lines
    total_price   numeric     not null,      -- the record's total_price, else the sum of its lines
    currency      text,                      -- null: the tenant's reporting currency
    primary key (tenant_id, cart_token)
);
create index if not exists carts_by_created on carts (tenant_id, created_at);

-- Matching an abandoned checkout to the order that recovered it (Analytics/Customers/Checkouts/CheckoutOutcomes).
create index if not exists orders_by_checkout_token on orders (tenant_id, checkout_token) where checkout_token is not null;
create index if not exists orders_by_cart_token on orders (tenant_id, cart_token) where cart_token is not null;
create index if not exists checkouts_by_created on checkouts (tenant_id, created_at);

select growhalo_enable_tenant_rls('carts');

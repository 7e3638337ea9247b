-- Shopify's mandatory privacy webhooks (customers/data_request, customers/redact, shop/redact), one row each.
-- The row is written in the same transaction as the webhook's event, so an acknowledged request is never lost; the
-- privacy worker (Privacy/PrivacyWorker.cs) acts on it and retries until it is done. A row outlives its tenant's
-- shop/redact as the record that it was done; the personal fields (e-mail, phone, export) are cleared once a redact
-- has used them.
create table if not exists privacy_requests (
    id                   uuid        primary key,        -- the webhook's event id (a redelivery is the same request)
    tenant_id            text        not null,
    kind                 text        not null,           -- data_request | customer_redact | shop_redact
    shop_domain          text,
    shopify_customer_id  text,
    email                text,                           -- cleared when the customer is redacted
    phone                text,
    order_ids            text[]      not null default '{}', -- orders_requested / orders_to_redact
    shopify_request_id   text,                           -- data_request.id
    received_at          timestamptz not null,
    completed_at         timestamptz,
    state                text        not null default 'received', -- received | retrying | completed
    attempts             integer     not null default 0,
    next_attempt_at      timestamptz not null,
    last_error           text,                           -- the kind of failure, never personal data
    export               jsonb                           -- data_request: everything held about the customer
);
create index if not exists privacy_requests_pending on privacy_requests (next_attempt_at) where state <> 'completed';
create index if not exists privacy_requests_by_tenant on privacy_requests (tenant_id, received_at desc);
select growhalo_enable_tenant_rls('privacy_requests');

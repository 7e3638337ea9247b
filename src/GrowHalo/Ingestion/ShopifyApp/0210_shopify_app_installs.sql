-- Shopify app installs (OAuth). A state is handed to the browser at /auth/shopify/install and spent once at
-- /auth/shopify/callback: only its SHA-256 is kept, bound to the tenant that started the install and the shop it named.
create table if not exists shopify_oauth_states (
    state_hash  bytea       primary key,
    tenant_id   text        not null references tenants (id),
    shop        text        not null,
    created_at  timestamptz not null,
    expires_at  timestamptz not null
);
create index if not exists shopify_oauth_states_expiry on shopify_oauth_states (expires_at);
select growhalo_enable_tenant_rls('shopify_oauth_states');

-- A connection installed through the app: Shopify signs its webhooks with the app's client secret.
alter table ingest_connections add column if not exists installed_by_app boolean not null default false;

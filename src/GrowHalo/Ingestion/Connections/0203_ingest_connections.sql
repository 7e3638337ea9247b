-- A tenant's link to one platform account: where webhooks come from and what the poller reads.
-- Secrets are sealed with AES-GCM (see SecretBox): version | nonce | tag | ciphertext, bound to the row's id.
create table if not exists ingest_connections (
    id                        text        primary key,
    tenant_id                 text        not null references tenants (id),
    source                    text        not null check (source in ('shopify', 'meta', 'google')),
    external_account_id       text        not null,  -- shop domain, Meta ad account id (no act_), Google customer id (digits)
    display_name              text        not null,
    api_base_url              text,
    polling_enabled           boolean     not null default false,
    polling_interval_seconds  int         not null default 900,
    enabled                   boolean     not null default true,
    webhook_secret            bytea,
    access_token              bytea,
    created_at                timestamptz not null,
    updated_at                timestamptz not null
);
create index if not exists ingest_connections_tenant on ingest_connections (tenant_id, created_at);
-- A webhook names its account, not its tenant: one enabled connection per platform account, across tenants.
create unique index if not exists ingest_connections_account on ingest_connections (source, external_account_id) where enabled;

-- Where the poller stands for each connection. The cursor's shape is the poller's (e.g. per resource updated_at_min).
create table if not exists polling_cursors (
    connection_id    text        primary key references ingest_connections (id),
    cursor           jsonb       not null default '{}',
    last_success_at  timestamptz,
    error_count      int         not null default 0,
    last_error       text,
    last_error_at    timestamptz,
    next_attempt_at  timestamptz
);

-- Counters known only on the write side (a duplicate or a rejection stores no event). connection_id '' = none.
create table if not exists ingest_connection_stats (
    tenant_id      text        not null,
    connection_id  text        not null,
    duplicates     bigint      not null default 0,
    rejections     bigint      not null default 0,
    last_error     text,
    last_error_at  timestamptz,
    primary key (tenant_id, connection_id)
);

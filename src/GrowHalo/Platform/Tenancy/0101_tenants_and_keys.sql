create table if not exists tenants (
    id          text        primary key,
    name        text        not null,
    slug        text        not null unique,
    time_zone   text        not null default 'UTC',
    currency    text        not null default 'USD',
    created_at  timestamptz not null default now()
);

create table if not exists api_keys (
    id            uuid        primary key,
    tenant_id     text        not null references tenants (id),
    key_hash      bytea       not null unique,   -- SHA-256 of the raw key; the raw key is never stored
    key_prefix    text        not null,          -- first characters, to tell keys apart in listings
    label         text        not null default '',
    scopes        text[]      not null,
    expires_at    timestamptz,
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    created_at    timestamptz not null default now()
);
create index if not exists api_keys_tenant on api_keys (tenant_id);

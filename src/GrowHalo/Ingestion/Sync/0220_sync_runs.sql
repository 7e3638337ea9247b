-- Sync runs: "Sync now" of one connection (kind poll) or a tenant's re-projection after a time zone or currency change
-- (kind reproject). The table is also the queue: SyncRunService claims queued rows with FOR UPDATE SKIP LOCKED.
create table if not exists sync_runs (
    id               uuid        primary key,
    tenant_id        text        not null references tenants (id),
    connection_id    text        references ingest_connections (id),
    kind             text        not null check (kind in ('poll', 'reproject')),
    full_sync        boolean     not null default false,
    state            text        not null check (state in ('queued', 'running', 'completed', 'failed', 'cancelled')),
    step             text,
    records_fetched  bigint      not null default 0,
    records_stored   bigint      not null default 0,
    total            bigint,
    percent          numeric(5, 1),
    error            text,
    cancel_requested boolean     not null default false,
    requested_at     timestamptz not null,
    started_at       timestamptz,
    finished_at      timestamptz,
    heartbeat_at     timestamptz,
    -- What may run once at a time: 'connection:ID', or 'reproject:TENANT' while queued (':RUN' is added when it starts).
    lock_key         text        not null
);
-- One queued or running run per connection (per tenant for re-projections): a second request finds the first.
create unique index if not exists sync_runs_one_active on sync_runs (lock_key) where state in ('queued', 'running');
create index if not exists sync_runs_tenant on sync_runs (tenant_id, requested_at desc);
create index if not exists sync_runs_queue on sync_runs (requested_at) where state in ('queued', 'running');
-- Every GET of a tenant asks whether its history is being re-projected (RecomputingHeader).
create index if not exists sync_runs_reprojecting on sync_runs (tenant_id) where kind = 'reproject' and state in ('queued', 'running');
select growhalo_enable_tenant_rls('sync_runs');

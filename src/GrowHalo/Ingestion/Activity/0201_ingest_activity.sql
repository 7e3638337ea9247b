-- What arrived, per tenant, source and event type: counts and the time of the newest event.
create table if not exists ingest_activity (
    tenant_id      text        not null,
    source         text        not null,
    event_type     text        not null,
    events         bigint      not null default 0,
    last_event_at  timestamptz not null,
    primary key (tenant_id, source, event_type)
);

select growhalo_enable_tenant_rls('ingest_activity');

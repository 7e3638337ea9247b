-- One row per POST /api/v1/ingest/batch, committed in the same transaction as the batch's events.
create table if not exists ingest_batches (
    id             uuid        primary key,
    tenant_id      text        not null,
    source         text        not null,
    connection_id  text,
    total_events   int         not null,
    accepted       int         not null,
    rejected       int         not null,
    duplicates     int         not null,
    status         text        not null,
    created_at     timestamptz not null,
    completed_at   timestamptz not null
);
create index if not exists ingest_batches_recent on ingest_batches (tenant_id, created_at desc, id);

-- What was turned away and why: a batch's rejected events (batch_id, event_index) and rejected webhooks
-- (batch_id null). Only requests that proved who they are (API key or valid signature) are recorded.
create table if not exists ingest_rejections (
    id             bigint      generated always as identity primary key,
    tenant_id      text        not null,
    connection_id  text,
    batch_id       uuid,
    event_index    int,
    event_type     text,
    field          text        not null,
    reason         text        not null,
    at             timestamptz not null
);
create index if not exists ingest_rejections_recent on ingest_rejections (tenant_id, id desc);
create index if not exists ingest_rejections_batch on ingest_rejections (batch_id, id) where batch_id is not null;

-- Events received per connection (from the event's metadata connection_id; '' = none), kept by ingest_activity.
create table if not exists ingest_connection_activity (
    tenant_id      text        not null,
    connection_id  text        not null,
    events         bigint      not null default 0,
    last_event_at  timestamptz not null,
    primary key (tenant_id, connection_id)
);

-- ingest_activity now also fills the table above: replay it from the start so both agree.
delete from ingest_activity;
delete from projection_progress where name = 'ingest_activity';

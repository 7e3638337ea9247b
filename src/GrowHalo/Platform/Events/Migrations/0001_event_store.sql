-- GrowHalo's event store: three tables you can read in one screen.
--   streams              one row per (tenant, stream): its current version; the row lock serialises appends to a stream
--   events               the log; tx_id is the appending transaction, which is what makes the projection feed gap-free
--   projection_progress  how far each projection has read, as the (tx_id, seq_id) pair of the last event it applied

create table if not exists streams (
    tenant_id   text        not null,
    id          text        not null,
    version     bigint      not null default 0,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (tenant_id, id)
);

create table if not exists events (
    seq_id      bigint      generated always as identity primary key,
    id          uuid        not null,
    tenant_id   text        not null,
    stream_id   text        not null,
    version     bigint      not null,
    type        text        not null,
    data        jsonb       not null,
    metadata    jsonb,
    tx_id       xid8        not null default pg_current_xact_id(),
    created_at  timestamptz not null default now(),
    constraint events_idempotent unique (tenant_id, id),
    constraint events_stream_version unique (tenant_id, stream_id, version)
);

-- The daemon's feed reads in (tx_id, seq_id) order.
create index if not exists events_feed on events (tx_id, seq_id);
create index if not exists events_tenant_feed on events (tenant_id, tx_id, seq_id);

create table if not exists projection_progress (
    name        text        primary key,
    tx_id       xid8        not null default '0',
    seq_id      bigint      not null default 0,
    updated_at  timestamptz not null default now()
);

create table if not exists projection_failures (
    id          bigint      generated always as identity primary key,
    projection  text        not null,
    seq_id      bigint      not null,
    event_id    uuid        not null,
    tenant_id   text        not null,
    event_type  text        not null,
    error       text        not null,
    failed_at   timestamptz not null default now(),
    unique (projection, seq_id)
);

-- Append many events to many streams of one tenant in one round trip.
-- Returns one row per input event (by ordinal): appended with its version and sequence, or duplicate.
-- With p_expected (single-stream appends only) a stale version raises GH409 before any sequence number is drawn;
-- an append whose events are all duplicates is an idempotent retry and is reported as such, not as a conflict.
create or replace function append_events(
    p_tenant text, p_ids uuid[], p_streams text[], p_types text[], p_data jsonb[], p_metadata jsonb[], p_expected bigint)
returns table (ord int, event_id uuid, stream_id text, status text, version bigint, seq_id bigint)
language plpgsql as $$
declare
    v_actual bigint;
begin
    -- Lock every touched stream in one stable order: concurrent appends cannot deadlock, and two deliveries of the
    -- same record (same stream) are checked for duplicates one writer at a time.
    insert into streams (tenant_id, id)
    select p_tenant, s.sid from (select distinct unnest(p_streams) as sid) s order by s.sid
    on conflict on constraint streams_pkey do nothing;
    perform 1 from streams s where s.tenant_id = p_tenant and s.id = any(p_streams) order by s.id for update;

    if p_expected is not null then
        select s.version into v_actual from streams s where s.tenant_id = p_tenant and s.id = p_streams[1];
        if v_actual <> p_expected and exists (
            select 1 from unnest(p_ids) i(id)
            where not exists (select 1 from events e where e.tenant_id = p_tenant and e.id = i.id)) then
            raise exception 'stream % is at version %, not the expected %', p_streams[1], v_actual, p_expected
                using errcode = 'GH409', hint = v_actual::text;
        end if;
    end if;

    return query
    with input as (
        select i.ord::int as ord, i.id, i.sid, i.typ, i.dat, i.meta
        from unnest(p_ids, p_streams, p_types, p_data, p_metadata) with ordinality as i(id, sid, typ, dat, meta, ord)
    ),
    firsts as (   -- the same id twice in one append is one event
        select distinct on (x.id) x.* from input x order by x.id, x.ord
    ),
    fresh as (
        select f.* from firsts f
        where not exists (select 1 from events e where e.tenant_id = p_tenant and e.id = f.id)
    ),
    numbered as (
        select f.*, s.version + row_number() over (partition by f.sid order by f.ord) as new_version
        from fresh f join streams s on s.tenant_id = p_tenant and s.id = f.sid
    ),
    inserted as (
        insert into events (tenant_id, id, stream_id, version, type, data, metadata)
        select p_tenant, n.id, n.sid, n.new_version, n.typ, n.dat, n.meta from numbered n order by n.ord
        returning events.id, events.version, events.seq_id
    ),
    bumped as (
        update streams s set version = v.top, updated_at = now()
        from (select n.sid, max(n.new_version) as top from numbered n group by n.sid) v
        where s.tenant_id = p_tenant and s.id = v.sid
    )
    select x.ord, x.id, x.sid,
           case when ins.id is null then 'duplicate' else 'appended' end,
           ins.version, ins.seq_id
    from input x
    left join firsts f on f.id = x.id and f.ord = x.ord
    left join inserted ins on ins.id = f.id
    order by x.ord;

    perform pg_notify('growhalo_events', p_tenant);
end;
$$;

-- Faster appends (measured with the bench's append and batch scenarios): same contract as 0001.

-- An event body (a Shopify order is 2-3 KB of JSON) is just past the size at which PostgreSQL compresses a row, and
-- the default compressor (pglz) was a third of the time of an INSERT into events. lz4 compresses several times faster
-- (and decompresses faster, for projections) at a slightly larger size. New rows only; old rows stay readable as they
-- are. A server built without lz4 keeps pglz.
do $$
begin
    alter table events alter column data set compression lz4, alter column metadata set compression lz4;
exception when feature_not_supported or invalid_parameter_value then
    raise notice 'this PostgreSQL has no lz4; events keep the default compression';
end $$;

-- Appending is now two steps, so that a large append can write its rows with COPY (PostgreSQL's bulk path, which
-- batches heap and index writes; several times cheaper per row than INSERT … SELECT for 2-3 KB bodies):
--   append_events_plan  locks the touched streams, finds the duplicates, numbers the new events per stream and draws
--                       their sequence numbers, in input order. It never sees the JSON bodies.
--   then the rows:      the caller COPYs the new events with those numbers (EventStore does for large appends), or
--                       append_events — same signature and answer as 0001 — inserts them itself (small appends: one
--                       round trip).
-- Both steps must run in one transaction: the stream locks of the first are what make the second safe.
-- Compared with 0001 the plan also writes less:
--   * a stream this append creates is inserted at the version it will end at (the count of its events), so the common
--     case — new orders, one new stream each — writes each stream row once instead of insert + lock + update;
--   * streams that already exist are locked through index lookups in id order, never a scan of the tenant's streams,
--     and not at all when the append created every stream it touches;
--   * the JSON bodies are not dragged through the sorts (which spilled to disk past work_mem).
-- Unchanged promises: duplicates (stored before, or repeated in this append) are reported per event; a stale expected
-- version raises GH409 before any sequence number is drawn; streams are locked in one stable order (creations first,
-- then existing streams, each sorted by id), so concurrent appends cannot deadlock, and the duplicate check of a
-- stream's events runs under that stream's lock; sequence numbers follow input order; NOTIFY at commit.
create or replace function append_events_plan(p_tenant text, p_ids uuid[], p_streams text[], p_expected bigint)
returns table (ord int, version bigint, seq_id bigint)
language plpgsql as $$
declare
    v_created  text[];    -- streams this append created: invisible to others until commit, so locked by us alone
    v_streams  bigint;    -- how many distinct streams the append touches
    v_locked   text[];    -- streams that existed, locked here …
    v_base     bigint[];  -- … and their versions
    v_versions bigint[];  -- per input event, by ordinal: its new version, or null for a duplicate
    v_bump_ids  text[];
    v_bump_tops bigint[];
    v_actual   bigint;
begin
    -- A transaction that opted into one tenant (Platform's TenantDb: role growhalo_tenant, setting growhalo.tenant_id)
    -- appends that tenant's events only. Row-level security checks this too, except for the bulk COPY that follows a
    -- plan, which PostgreSQL does not allow under row-level security and EventStore runs as the owner: this is its check.
    if coalesce(current_setting('growhalo.tenant_id', true), '') not in ('', p_tenant) then
        raise exception 'this transaction is for tenant %, not %', current_setting('growhalo.tenant_id', true), p_tenant
            using errcode = 'insufficient_privilege';
    end if;

    -- 1. Create the streams seen for the first time, already at the version they reach if every event is new (a
    --    repeat inside the append is a duplicate; step 4 then moves the stream back to what was really appended).
    --    A stream that another open transaction is creating makes this wait for it, and then counts as existing.
    with wanted as materialized (
        select u.sid, count(*) as n from unnest(p_streams) as u(sid) group by u.sid
    ), created as (
        insert into streams as s (tenant_id, id, version)
        select p_tenant, w.sid, w.n from wanted w order by w.sid
        on conflict on constraint streams_pkey do nothing
        returning s.id
    )
    select coalesce(array_agg(c.id), '{}'), (select count(*) from wanted) into v_created, v_streams from created c;

    -- 2. Lock the streams that already existed, one index lookup each, in id order, and read their versions.
    v_locked := '{}';
    v_base := '{}';
    if cardinality(v_created) < v_streams then
        select coalesce(array_agg(l.id order by w.sid), '{}'), coalesce(array_agg(l.version order by w.sid), '{}')
        into v_locked, v_base
        from (select e.sid from (select u.sid from unnest(p_streams) as u(sid) except select c.sid from unnest(v_created) as c(sid)) e
              order by e.sid) w
        cross join lateral (
            select s.id, s.version from streams s where s.tenant_id = p_tenant and s.id = w.sid for update
        ) l;
    end if;

    if p_expected is not null then
        v_actual := case when cardinality(v_created) > 0 then 0 else v_base[1] end;
        if v_actual <> p_expected and exists (
            select 1 from unnest(p_ids) as i(id)
            where not exists (select 1 from events e where e.tenant_id = p_tenant and e.id = i.id)) then
            raise exception 'stream % is at version %, not the expected %', p_streams[1], v_actual, p_expected
                using errcode = 'GH409', hint = v_actual::text;
        end if;
    end if;

    -- 3. Number the new events (the first of each id, when it is not stored yet) per stream, in input order.
    with input as (
        select u.ord::int as ord, u.id, u.sid from unnest(p_ids, p_streams) with ordinality as u(id, sid, ord)
    ), firsts as (
        select distinct on (x.id) x.ord, x.id, x.sid from input x order by x.id, x.ord
    ), fresh as (
        select f.* from firsts f where not exists (select 1 from events e where e.tenant_id = p_tenant and e.id = f.id)
    ), numbered as (
        select f.ord, coalesce(b.version, 0) + row_number() over (partition by f.sid order by f.ord) as v
        from fresh f left join unnest(v_locked, v_base) as b(sid, version) on b.sid = f.sid
    )
    select array_agg(n.v order by x.ord) into v_versions
    from input x left join numbered n on n.ord = x.ord;

    -- 4. Move stream versions where step 1 did not already leave them right: existing streams that got events, and
    --    new streams some of whose events turned out to be duplicates.
    if cardinality(v_locked) > 0 or array_position(v_versions, null) is not null then
        select coalesce(array_agg(t.sid order by t.sid), '{}'), coalesce(array_agg(coalesce(t.top, 0) order by t.sid), '{}')
        into v_bump_ids, v_bump_tops
        from (
            select u.sid, max(u.v) as top, count(*) as planned
            from unnest(p_streams, v_versions) as u(sid, v) group by u.sid
        ) t
        left join unnest(v_locked) as l(sid) on l.sid = t.sid
        where case when l.sid is not null then t.top is not null else coalesce(t.top, 0) <> t.planned end;

        update streams s set version = b.top, updated_at = now()
        from unnest(v_bump_ids, v_bump_tops) as b(sid, top)
        where s.tenant_id = p_tenant and s.id = b.sid;
    end if;

    perform pg_notify('growhalo_events', p_tenant);

    -- 5. One row per input event, in input order; sequence numbers drawn in that order for the new ones.
    return query
    select x.ord::int, x.v, case when x.v is null then null else nextval('events_seq_id_seq'::regclass) end
    from unnest(v_versions) with ordinality as x(v, ord)
    order by x.ord;
end;
$$;

-- Append many events to many streams of one tenant in one round trip (the contract of 0001).
-- Returns one row per input event (by ordinal): appended with its version and sequence, or duplicate.
create or replace function append_events(
    p_tenant text, p_ids uuid[], p_streams text[], p_types text[], p_data jsonb[], p_metadata jsonb[], p_expected bigint)
returns table (ord int, event_id uuid, stream_id text, status text, version bigint, seq_id bigint)
language plpgsql as $$
declare
    v_versions bigint[];
    v_seqs     bigint[];
begin
    select array_agg(p.version order by p.ord), array_agg(p.seq_id order by p.ord) into v_versions, v_seqs
    from append_events_plan(p_tenant, p_ids, p_streams, p_expected) p;

    insert into events (seq_id, tenant_id, id, stream_id, version, type, data, metadata) overriding system value
    select i.seq, p_tenant, i.id, i.sid, i.v, i.typ, i.dat, i.meta
    from unnest(p_ids, p_streams, p_types, p_data, p_metadata, v_versions, v_seqs) as i(id, sid, typ, dat, meta, v, seq)
    where i.v is not null;

    return query
    select x.ord::int, x.id, x.sid, case when x.v is null then 'duplicate' else 'appended' end, x.v, x.seq
    from unnest(p_ids, p_streams, v_versions, v_seqs) with ordinality as x(id, sid, v, seq, ord)
    order by x.ord;
end;
$$;

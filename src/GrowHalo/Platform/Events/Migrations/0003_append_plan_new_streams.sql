-- A cheaper plan for the common large append: a batch of records seen for the first time, each in a stream of its own
-- (measured with the bench's batch scenario: the plan of 0002 was a fifth of a 1,000-order batch). Same answer as
-- 0002's append_events_plan; the 4-argument form below keeps its contract and now delegates here.
--
-- What changes, both only where the append creates the streams it touches:
--   * the streams are created with a plain INSERT, in a subtransaction: half the cost of INSERT … ON CONFLICT. A stream
--     that exists already (or that another open transaction creates) raises unique_violation, which rolls the
--     subtransaction back and falls back to 0002's ON CONFLICT insert, in the same sorted order: same waits and locks.
--   * with p_optimistic, the events of a stream this append created are not looked up in events. Such an event can
--     only be stored already under another stream (its stream did not exist), i.e. if a caller gave one event id to
--     two streams. The events table's unique (tenant_id, id) still refuses it at COPY; EventStore then rolls back to
--     a savepoint taken before the plan and plans again without p_optimistic, which reports it as a duplicate.
--     append_events (small appends, which insert in the same statement) never plans optimistically.
-- When every stream is new, holds one event, and no id repeats, the answer is known without numbering: version 1 each,
-- sequence numbers in input order.
create or replace function append_events_plan(p_tenant text, p_ids uuid[], p_streams text[], p_expected bigint, p_optimistic boolean)
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
    -- The tenant check of 0002: the bulk COPY after a plan runs as the owner, outside row-level security.
    if coalesce(current_setting('growhalo.tenant_id', true), '') not in ('', p_tenant) then
        raise exception 'this transaction is for tenant %, not %', current_setting('growhalo.tenant_id', true), p_tenant
            using errcode = 'insufficient_privilege';
    end if;

    -- 1. Create the streams seen for the first time, at the version they reach if every event is new (see 0002).
    begin
        insert into streams (tenant_id, id, version)
        select p_tenant, w.sid, w.n from (select u.sid, count(*) as n from unnest(p_streams) as u(sid) group by u.sid) w order by w.sid;
        select array_agg(distinct u.sid), count(distinct u.sid) into v_created, v_streams from unnest(p_streams) as u(sid);
    exception when unique_violation then
        with wanted as materialized (
            select u.sid, count(*) as n from unnest(p_streams) as u(sid) group by u.sid
        ), created as (
            insert into streams as s (tenant_id, id, version)
            select p_tenant, w.sid, w.n from wanted w order by w.sid
            on conflict on constraint streams_pkey do nothing
            returning s.id
        )
        select coalesce(array_agg(c.id), '{}'), (select count(*) from wanted) into v_created, v_streams from created c;
    end;

    -- The common case, answered without numbering: every stream new with one event each, no id twice.
    if p_optimistic and p_expected is null and cardinality(v_created) = cardinality(p_ids)
       and (select count(distinct u.id) from unnest(p_ids) as u(id)) = cardinality(p_ids) then
        perform pg_notify('growhalo_events', p_tenant);
        return query
        select x.ord, 1::bigint, nextval('events_seq_id_seq'::regclass)
        from generate_series(1, cardinality(p_ids)) as x(ord)
        order by x.ord;
        return;
    end if;

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
        select f.* from firsts f
        left join unnest(case when p_optimistic then v_created else '{}' end) as c(sid) on c.sid = f.sid
        where c.sid is not null
           or not exists (select 1 from events e where e.tenant_id = p_tenant and e.id = f.id)
    ), numbered as (
        select f.ord, coalesce(b.version, 0) + row_number() over (partition by f.sid order by f.ord) as v
        from fresh f left join unnest(v_locked, v_base) as b(sid, version) on b.sid = f.sid
    )
    select array_agg(n.v order by x.ord) into v_versions
    from input x left join numbered n on n.ord = x.ord;

    -- 4. Move stream versions where step 1 did not already leave them right (see 0002).
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

-- 0002's contract (used by append_events, whose rows are inserted in the same statement): never optimistic.
create or replace function append_events_plan(p_tenant text, p_ids uuid[], p_streams text[], p_expected bigint)
returns table (ord int, version bigint, seq_id bigint)
language sql as $$
    select p.ord, p.version, p.seq_id from append_events_plan(p_tenant, p_ids, p_streams, p_expected, false) p;
$$;

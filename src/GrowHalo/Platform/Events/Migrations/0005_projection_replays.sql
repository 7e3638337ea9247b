-- How far `growhalo projections rebuild` has replayed each projection itself: the daemon passes over events at or
-- below it (the rebuild applied them), instead of the rebuild moving Marten's progress row.
--
-- Moving the progress row raced the daemon: a page it had already read from the old position found the row moved
-- when it wrote its own progress (Marten's optimistic check), and Marten stops a shard on that
-- (ProgressionProgressOutOfOrderException), for good, until the node restarts. Marten's progress row is now written
-- by the daemon alone.
create table if not exists projection_replays (
    projection       text        primary key,
    replayed_through bigint      not null,
    replayed_at      timestamptz not null default now()
);

-- One token bucket per rate-limit partition ('tenant:ID', or 'address:IP' for webhooks and keyless requests), shared by
-- every node (see SharedTokenBuckets). UNLOGGED: no WAL and no fsync per request. A crash empties the table, which
-- only refills every bucket (a new row starts full); a clean restart keeps it.
create unlogged table if not exists rate_limit_buckets (
    partition   text             primary key,
    tokens      double precision not null,  -- what was left after the last grant
    granted     integer          not null,  -- tokens the last statement handed out (its answer)
    updated_at  timestamptz      not null,
    full_at     timestamptz      not null   -- when the bucket is full again: the row may then be deleted losslessly
);

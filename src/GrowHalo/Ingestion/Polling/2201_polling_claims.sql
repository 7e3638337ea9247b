-- Who holds a polling pass's claim: the claiming server's session name as pg_stat_activity shows it (growhalo:{pid}@{host}).
-- A claim whose holder has no session left (the server died) is void at once; the lease only bounds a live but hung one.
alter table polling_cursors add column if not exists claimed_by text;

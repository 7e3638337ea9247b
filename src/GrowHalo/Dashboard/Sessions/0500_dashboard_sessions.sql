-- Dashboard sign-ins. The browser holds only a random session id in an HttpOnly cookie; this table holds its
-- SHA-256 and the API key it was opened with, so every request re-checks that key (revoked keys stop at once)
-- and signing out really ends the session. kind 'sign_in_link' rows are one-time links (growhalo demo).
create table if not exists dashboard_sessions (
    id_hash     bytea       primary key,
    kind        text        not null check (kind in ('session', 'sign_in_link')),
    tenant_id   text        not null references tenants (id) on delete cascade,
    key_id      uuid        not null references api_keys (id) on delete cascade,
    created_at  timestamptz not null,
    expires_at  timestamptz not null
);
create index if not exists dashboard_sessions_expiry on dashboard_sessions (expires_at);
-- Sign-in looks a session up before its tenant is known (as key lookup does), on the owner's connection; tenant code
-- that reads this table inside TenantDb sees only its own rows.
select growhalo_enable_tenant_rls('dashboard_sessions');

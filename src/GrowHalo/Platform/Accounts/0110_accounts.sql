-- Accounts: people who sign in with an e-mail and password, their role in each tenant, their sessions, invitations
-- and the login throttle's counters. Users are not tenant-owned (one person may belong to several brands); their
-- memberships and invitations are, and tenant code reads them inside TenantDb (row-level security).
create table if not exists users (
    id                   uuid        primary key,
    email                text        not null unique,   -- normalised: trimmed, lower case
    password_hash        text        not null,          -- ASP.NET Core Identity's PasswordHasher format (PBKDF2)
    created_at           timestamptz not null,
    password_changed_at  timestamptz not null
);
-- Tenant code (members, invitations) may see who a member is, never a password hash; signing up through an invitation
-- creates the user in the tenant's transaction.
grant select (id, email, created_at) on users to growhalo_tenant;
grant insert on users to growhalo_tenant;

create table if not exists memberships (
    tenant_id   text        not null references tenants (id) on delete cascade,
    user_id     uuid        not null references users (id) on delete cascade,
    role        text        not null check (role in ('owner', 'admin', 'analyst')),
    created_at  timestamptz not null,
    primary key (tenant_id, user_id)
);
create index if not exists memberships_user on memberships (user_id);
select growhalo_enable_tenant_rls('memberships');

-- A signed-in browser. The cookie carries a signed, encrypted ticket naming this row by the SHA-256 of its id; every
-- request checks the row, so logout and password change (revoked_at) end a session at once.
create table if not exists user_sessions (
    id_hash     bytea       primary key,
    user_id     uuid        not null references users (id) on delete cascade,
    tenant_id   text        references tenants (id) on delete set null,   -- the tenant the session is on
    created_at  timestamptz not null,
    expires_at  timestamptz not null,
    revoked_at  timestamptz
);
create index if not exists user_sessions_user on user_sessions (user_id);
create index if not exists user_sessions_expiry on user_sessions (expires_at);
-- Sessions are looked up before a tenant is known (on the owner's connection, as keys are); tenant code sees only its own.
select growhalo_enable_tenant_rls('user_sessions');

create table if not exists member_invites (
    id           uuid        primary key,
    tenant_id    text        not null references tenants (id) on delete cascade,
    email        text        not null,
    role         text        not null check (role in ('owner', 'admin', 'analyst')),
    token_hash   bytea       not null unique,   -- SHA-256 of the one-time token; the token is shown once
    invited_by   uuid        references users (id) on delete set null,
    created_at   timestamptz not null,
    expires_at   timestamptz not null,
    accepted_at  timestamptz,
    accepted_by  uuid        references users (id) on delete set null
);
create index if not exists member_invites_tenant on member_invites (tenant_id);
select growhalo_enable_tenant_rls('member_invites');

-- Failed logins per e-mail (its SHA-256, not the address) and per client address, in PostgreSQL so every node counts
-- the same attempts.
create table if not exists login_attempts (
    key             text        primary key,
    failures        integer     not null,
    window_ends_at  timestamptz not null
);

-- ASP.NET Core Data Protection's key ring (it signs and encrypts session cookies), shared by every node; each
-- key is sealed with GrowHalo's secret key (SecretBox) before it is stored.
create table if not exists data_protection_keys (
    name        text        primary key,
    xml         text        not null,   -- the key element as IXmlEncryptor left it: sealed by SecretBox
    created_at  timestamptz not null default now()
);

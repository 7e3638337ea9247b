-- Which simulated brand a tenant holds: the seed and first day fix every order, customer and ad row, so a demo run
-- again days later serves the same history and only adds what happened since. seeded_at: history fully loaded.
create table if not exists simulator_worlds (
    tenant_id   text        primary key references tenants (id) on delete cascade,
    seed        int         not null,
    first_day   date        not null,
    time_zone   text        not null,
    seeded_at   timestamptz,
    created_at  timestamptz not null default now()
);
select growhalo_enable_tenant_rls('simulator_worlds');

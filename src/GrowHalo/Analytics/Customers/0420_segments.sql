-- Customer segments (Analytics/Customers/Segments): a name and rules over customer fields. Only the definition is
-- stored: members are computed from customers and customer_scores whenever they are asked for, so they are never stale.
create table if not exists segments (
    tenant_id   text        not null,
    segment_id  uuid        not null,
    name        text        not null,
    rules       json        not null,          -- {all:[…]} or {any:[…]} as sent (json keeps its order), once validated
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    primary key (tenant_id, segment_id)
);

-- A name is taken once per tenant, whatever its case ("VIP" and "vip" are one segment name).
create unique index if not exists segments_name on segments (tenant_id, lower(name));

select growhalo_enable_tenant_rls('segments');

-- Tenant isolation inside PostgreSQL, as a second wall behind every query's own `where tenant_id = …`.
-- The app's pool logs in as the owner of the tables, and owners bypass row-level security (the projection daemon,
-- migrations and key lookup need that). Request code opts into one tenant with TenantDb (Platform/Tenancy/TenantDb.cs):
-- `set local role growhalo_tenant` + `set_config('growhalo.tenant_id', …, true)`. Under that role, every table passed to
-- growhalo_enable_tenant_rls shows and accepts only that tenant's rows; with no tenant set it shows none.

do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'growhalo_tenant') then
        begin
            create role growhalo_tenant nologin;
        exception
            when duplicate_object or unique_violation then
                null; -- roles belong to the server: another database created it at the same moment (parallel test databases)
            when insufficient_privilege then
                raise exception 'GrowHalo needs the database role growhalo_tenant, and % may not create roles', current_user
                    using hint = format('Run once as a superuser: create role growhalo_tenant nologin; grant growhalo_tenant to %I;', current_user);
        end;
    end if;
    -- A superuser is a member of every role already; any other owner must be granted it to `set role`.
    if not pg_has_role(current_user, 'growhalo_tenant', 'member') then
        begin
            execute format('grant growhalo_tenant to %I', current_user);
        exception when insufficient_privilege then
            raise exception '% must be a member of the role growhalo_tenant', current_user
                using hint = format('Run once as a superuser: grant growhalo_tenant to %I;', current_user);
        end;
    end if;
end $$;

grant usage on schema public to growhalo_tenant;

-- Call from the migration that creates a tenant-owned table:  select growhalo_enable_tenant_rls('orders');
-- Idempotent. Enables RLS with a policy on the tenant column and grants the tenant role access (and its sequences).
create or replace function growhalo_enable_tenant_rls(p_table regclass, p_tenant_column name default 'tenant_id')
returns void language plpgsql as $$
declare
    v_column name;
    v_sequence text;
begin
    execute format('alter table %s enable row level security', p_table);
    execute format('drop policy if exists tenant_isolation on %s', p_table);
    execute format('create policy tenant_isolation on %s using (%2$I = current_setting(''growhalo.tenant_id'', true)) '
                   'with check (%2$I = current_setting(''growhalo.tenant_id'', true))', p_table, p_tenant_column);
    execute format('grant select, insert, update, delete on %s to growhalo_tenant', p_table);
    for v_column in select a.attname from pg_attribute a where a.attrelid = p_table and a.attnum > 0 and not a.attisdropped
    loop
        v_sequence := pg_get_serial_sequence(p_table::text, v_column);
        if v_sequence is not null then
            execute format('grant usage, select on sequence %s to growhalo_tenant', v_sequence);
        end if;
    end loop;
end;
$$;

select growhalo_enable_tenant_rls('tenants', 'id');
select growhalo_enable_tenant_rls('api_keys');
select growhalo_enable_tenant_rls('events');
select growhalo_enable_tenant_rls('streams');
select growhalo_enable_tenant_rls('projection_failures');
-- ingest_activity (0201) enables itself on fresh databases; this covers databases where 0201 ran before this file.
do $$
begin
    if to_regclass('ingest_activity') is not null then perform growhalo_enable_tenant_rls('ingest_activity'); end if;
end $$;

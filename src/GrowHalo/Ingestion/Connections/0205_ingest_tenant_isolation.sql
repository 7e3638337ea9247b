-- Ingestion's tables under row-level security (see Platform/Tenancy/TenantDb.cs): 0202–0204 came before it.
-- Webhooks find their connection before they know the tenant, so that lookup runs as the owner
-- (ConnectionStore.FindForWebhookAsync); everything else a request reads or writes runs in a TenantDb.
select growhalo_enable_tenant_rls('ingest_batches');
select growhalo_enable_tenant_rls('ingest_rejections');
select growhalo_enable_tenant_rls('ingest_connections');
select growhalo_enable_tenant_rls('ingest_connection_stats');
select growhalo_enable_tenant_rls('ingest_connection_activity');

-- polling_cursors has no tenant column: a cursor belongs to whoever may see its connection (itself under RLS).
alter table polling_cursors enable row level security;
drop policy if exists tenant_isolation on polling_cursors;
create policy tenant_isolation on polling_cursors
    using (exists (select 1 from ingest_connections c where c.id = polling_cursors.connection_id))
    with check (exists (select 1 from ingest_connections c where c.id = polling_cursors.connection_id));
grant select, insert, update, delete on polling_cursors to growhalo_tenant;

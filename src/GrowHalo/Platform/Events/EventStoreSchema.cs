using Marten;
using Marten.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GrowHalo.Platform.Events;

/// <summary>
/// Creates or updates Marten's event store tables and functions (mt_events, mt_streams, mt_event_progression, …) and
/// puts them behind the same row-level security as every tenant-owned table: request code appends as the tenant
/// role (TenantDb), which then sees and writes only its tenant's events. A database from before Marten has its events
/// copied over once (<see cref="LegacyEventsImport"/>). Run by <c>growhalo migrate</c> and at start.
/// </summary>
public sealed class EventStoreSchema(IDocumentStore store, NpgsqlDataSource dataSource, ILogger<EventStoreSchema>? logger = null)
{
    /// <summary>
    /// Marten's tables in the master (its database pool and tenant placements) and in every data database, each data
    /// database other than the master first brought to GrowHalo's own migrations (<see cref="Database.Migrator"/>).
    /// </summary>
    public async Task ApplyAsync(CancellationToken ct)
    {
        // One process at a time (two `growhalo migrate` at once, or servers starting together): Marten compares and
        // changes the schema without a lock of its own.
        await using var lockConnection = await dataSource.OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand("select pg_advisory_lock(hashtextextended('growhalo:event-store-schema', 0))", lockConnection))
            await take.ExecuteNonQueryAsync(ct);
        try
        {
            foreach (var database in await store.Storage.AllDatabases())
            {
                if (database is MartenDatabase data && !Database.DataSources.SameDatabase(data.DataSource.ConnectionString, dataSource.ConnectionString))
                    await Database.Migrator.ApplySqlAsync(data.DataSource, logger, ct);
                await database.ApplyAllConfiguredChangesToDatabaseAsync(JasperFx.AutoCreate.CreateOrUpdate);
                if (database is MartenDatabase events) await SecureAsync(events.DataSource, ct);
            }
            var imported = await LegacyEventsImport.RunAsync(store, dataSource, ct);
            if (imported > 0) logger?.LogInformation("Copied {Events} events from the store before Marten into Marten's tables", imported);
        }
        finally
        {
            // Explicitly: a pooled connection keeps its session's locks until it is next used.
            await using var release = new NpgsqlCommand("select pg_advisory_unlock(hashtextextended('growhalo:event-store-schema', 0))", lockConnection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Puts a data database's event tables behind row-level security (request code appends as the tenant role).</summary>
    public static async Task SecureAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select growhalo_enable_tenant_rls(c.oid::regclass)
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = current_schema() and c.relkind in ('r', 'p') and c.relname like 'mt\_%'
              and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
            """);
        await cmd.ExecuteNonQueryAsync(ct);
        await using var grant = dataSource.CreateCommand("grant usage, select on sequence mt_events_sequence to growhalo_tenant");
        await grant.ExecuteNonQueryAsync(ct);
    }
}

using GrowHalo.Platform.Events;
using Marten;
using Npgsql;

namespace GrowHalo.Platform.Tenancy;

/// <summary>
/// Places a new tenant on the emptiest data database that takes new tenants (smallest <c>pg_database_size</c>; with
/// one database, main) and records it in Marten's registry (<c>AddTenantToShardAsync</c>). A data database other
/// than the master gets a copy of the tenant's row first (its read models join it for the time zone and currency),
/// so the tenant is usable the moment it is placed; <see cref="MirrorAsync"/> keeps that copy in step.
/// </summary>
public sealed class TenantPlacement(TenantDatabases databases, IDocumentStore store, ILogger<TenantPlacement> logger)
{
    /// <summary>The id of the database the tenant now lives on: <paramref name="databaseId"/> when given, else the emptiest.</summary>
    /// <exception cref="ArgumentException">there is no database <paramref name="databaseId"/> in the pool</exception>
    public async Task<string> PlaceAsync(Tenant tenant, CancellationToken ct = default, string? databaseId = null)
    {
        var all = await databases.ListAsync(ct);
        var open = all.Where(d => !d.IsFull).ToList();
        if (databaseId is null && open.Count == 0)
            throw new InvalidOperationException("Every data database is marked full: add one (growhalo databases add) before creating tenants.");
        var target = databaseId is not null
            ? all.FirstOrDefault(d => d.Id == databaseId)
              ?? throw new ArgumentException($"There is no database '{databaseId}'. Databases: {string.Join(", ", all.Select(d => d.Id))} (see `growhalo databases list`).")
            : open.Count == 1 ? open[0] : await EmptiestAsync(open, ct);
        if (target.Id != MartenSetup.MainDatabase) await MirrorAsync(target.DataSource, tenant, ct);
        await store.Advanced.AddTenantToShardAsync(tenant.Id, target.Id, ct);
        logger.LogInformation("Tenant {TenantId} placed on database {DatabaseId}", tenant.Id, target.Id);
        return target.Id;
    }

    /// <summary>Writes the tenant's row into its data database when that is not the master (which holds the row itself).</summary>
    public async Task MirrorAsync(Tenant tenant, CancellationToken ct = default)
    {
        var dataSource = await databases.ForTenantAsync(tenant.Id, ct);
        if (!ReferenceEquals(dataSource, databases.Master)) await MirrorAsync(dataSource, tenant, ct);
    }

    internal static async Task MirrorAsync(NpgsqlDataSource dataSource, Tenant tenant, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            insert into tenants (id, name, slug, time_zone, currency, created_at, abandoned_checkout_minutes, recovery_window_days)
            values ($1, $2, $3, $4, $5, $6, $7, $8)
            on conflict (id) do update set name = excluded.name, slug = excluded.slug, time_zone = excluded.time_zone,
                currency = excluded.currency, abandoned_checkout_minutes = excluded.abandoned_checkout_minutes,
                recovery_window_days = excluded.recovery_window_days
            """);
        foreach (var value in new object[] { tenant.Id, tenant.Name, tenant.Slug, tenant.TimeZone, tenant.Currency, tenant.CreatedAt,
                     tenant.AbandonedCheckoutMinutes, tenant.RecoveryWindowDays })
            cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The database using the fewest bytes; on a tie the one with fewer tenants, then main.</summary>
    private static async Task<DataDatabase> EmptiestAsync(IReadOnlyList<DataDatabase> candidates, CancellationToken ct)
    {
        var sized = new List<(DataDatabase Database, long Bytes)>();
        foreach (var candidate in candidates) sized.Add((candidate, await candidate.BytesAsync(ct)));
        return sized.OrderBy(s => s.Bytes).ThenBy(s => s.Database.Tenants).ThenBy(s => s.Database.Id == MartenSetup.MainDatabase ? 0 : 1)
            .First().Database;
    }
}

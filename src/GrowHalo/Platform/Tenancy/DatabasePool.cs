using System.Text.RegularExpressions;
using GrowHalo.Platform.Database;
using GrowHalo.Platform.Events;
using Marten;
using Npgsql;

namespace GrowHalo.Platform.Tenancy;

/// <summary>A database of the pool as an operator sees it.</summary>
public sealed record PooledDatabaseInfo(string Id, string Server, string Database, int Tenants, long Bytes, bool IsFull);

/// <summary>
/// The operator's side of the data databases (<c>growhalo databases</c>): adding one (migrated first, then put in
/// Marten's pool, so no tenant is ever placed on a database without its tables) and listing them with their tenants and
/// size. Servers see a database added while they run: placement reads the pool each time, and Marten's daemon picks it
/// up at its next check.
/// </summary>
public sealed partial class DatabasePool(IDocumentStore store, TenantDatabases databases, DataSources dataSources, ILogger<DatabasePool> logger)
{
    [GeneratedRegex("^[a-z][a-z0-9_-]{0,39}$")]
    private static partial Regex IdPattern();

    /// <exception cref="ArgumentException">the id or connection string is unusable, or the id is taken; nothing is changed</exception>
    public async Task AddAsync(string id, string connectionString, CancellationToken ct)
    {
        if (!IdPattern().IsMatch(id))
            throw new ArgumentException($"'{id}' is not a usable database id: use 1–40 lower-case letters, digits, '-' or '_', starting with a letter (e.g. eu-2).");
        NpgsqlConnectionStringBuilder builder;
        try { builder = new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString(connectionString)); }
        catch (ArgumentException e) { throw new ArgumentException($"The connection string cannot be read ({e.Message}). Use Host=…;Database=…;Username=…;Password=… or postgres://user:pass@host/db."); }
        if (string.IsNullOrEmpty(builder.Database)) throw new ArgumentException("The connection string names no database (Database=… or the path of a postgres:// URL).");
        var existing = await databases.ListAsync(ct);
        if (existing.Any(d => d.Id == id)) throw new ArgumentException($"There is a database '{id}' in the pool already. See `growhalo databases list`.");
        // (The master is in the list: it is main.)
        if (existing.Any(d => DataSources.SameDatabase(builder.ConnectionString, d.DataSource.ConnectionString)))
            throw new ArgumentException($"{builder.Host}:{builder.Port}/{builder.Database} is in the pool already.");

        var dataSource = dataSources.Create(builder.ConnectionString);
        try
        {
            await using var probe = dataSource.CreateCommand("select 1");
            await probe.ExecuteScalarAsync(ct);
        }
        catch (NpgsqlException e)
        {
            throw new ArgumentException($"Cannot reach {builder.Host}:{builder.Port}/{builder.Database}: {e.Message}. Create the database first (an empty one) and check the credentials.");
        }
        // GrowHalo's tables, then Marten's (through a store of that database alone), before the pool knows it.
        var applied = await Migrator.ApplySqlAsync(dataSource, logger, ct);
        // (A store disposes its data source: this one gets one of its own.)
        await using (var own = DatabaseConnection.Build(builder.ConnectionString, "growhalo-migrate"))
        await using (var alone = MartenSetup.CreateStore(own))
            await alone.Storage.ApplyAllConfiguredChangesToDatabaseAsync(JasperFx.AutoCreate.CreateOrUpdate);
        await EventStoreSchema.SecureAsync(dataSource, ct);
        await store.Advanced.AddDatabaseToPoolAsync(id, builder.ConnectionString, ct);
        logger.LogInformation("Database {DatabaseId} ({Server}/{Database}) added to the pool after {Migrations} migrations",
            id, $"{builder.Host}:{builder.Port}", builder.Database, applied);
    }

    public async Task<IReadOnlyList<PooledDatabaseInfo>> ListAsync(CancellationToken ct)
    {
        var list = new List<PooledDatabaseInfo>();
        foreach (var database in await databases.ListAsync(ct))
        {
            var builder = new NpgsqlConnectionStringBuilder(database.DataSource.ConnectionString);
            list.Add(new PooledDatabaseInfo(database.Id, $"{builder.Host}:{builder.Port}", builder.Database ?? "", database.Tenants,
                await database.BytesAsync(ct), database.IsFull));
        }
        return list;
    }
}

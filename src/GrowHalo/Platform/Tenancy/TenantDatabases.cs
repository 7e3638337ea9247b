using GrowHalo.Platform.Database;
using GrowHalo.Platform.Events;
using Marten;
using Marten.Storage;
using Npgsql;
using Weasel.Core.MultiTenancy;

namespace GrowHalo.Platform.Tenancy;

/// <summary>
/// Where each tenant's data lives. The master database (the configuration's connection string) holds what spans
/// tenants: tenants, keys, users, sessions, and Marten's pool of data databases with each tenant's place
/// (<c>tenancy.mt_database_pool</c>, <c>tenancy.mt_tenant_assignments</c>). A tenant's events, read models,
/// connections and everything else of its own live in its data database: the master itself ("main") unless the
/// operator added databases and the tenant was placed on another (<see cref="TenantPlacement"/>).
/// </summary>
public sealed class TenantDatabases(DataSources dataSources, IDocumentStore store)
{
    private ITenancy Tenancy => ((DocumentStore)store).Options.Tenancy;

    private ITenantDatabasePool Pool => (ITenantDatabasePool)Tenancy;

    public NpgsqlDataSource Master => dataSources.Master;

    /// <summary>The data database of <paramref name="tenantId"/> (Marten's placement, cached by Marten).</summary>
    public async ValueTask<NpgsqlDataSource> ForTenantAsync(string tenantId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var tenant = await Tenancy.GetTenantAsync(tenantId);
        return ((MartenDatabase)tenant.Database).DataSource;
    }

    /// <summary>The id of the database <paramref name="tenantId"/> is placed on (<c>main</c>, or one an operator added).</summary>
    public async ValueTask<string> DatabaseIdOfAsync(string tenantId, CancellationToken ct = default) =>
        await Pool.FindDatabaseForTenantAsync(tenantId, ct) ?? ((MartenDatabase)(await Tenancy.GetTenantAsync(tenantId)).Database).Identifier;

    /// <summary>Every data database, for work that spans tenants (background services, health, status).</summary>
    public async ValueTask<IReadOnlyList<NpgsqlDataSource>> AllAsync(CancellationToken ct = default) =>
        [.. (await ListAsync(ct)).Select(d => d.DataSource)];

    /// <summary>
    /// Asks each data database in turn, main first, until one answers: for a lookup made before the tenant is known
    /// (a webhook's shop, a connection's id). Null when none does.
    /// </summary>
    public async Task<T?> FirstAsync<T>(Func<NpgsqlDataSource, Task<T?>> ask, CancellationToken ct = default) where T : class
    {
        foreach (var dataSource in await AllAsync(ct))
            if (await ask(dataSource) is { } answer) return answer;
        return null;
    }

    /// <summary>Every data database with its id, main first.</summary>
    public async ValueTask<IReadOnlyList<DataDatabase>> ListAsync(CancellationToken ct = default)
    {
        var pooled = await Pool.ListDatabasesAsync(ct);
        return [.. pooled.OrderBy(d => d.DatabaseId == MartenSetup.MainDatabase ? 0 : 1).ThenBy(d => d.DatabaseId, StringComparer.Ordinal)
            .Select(d => new DataDatabase(d.DatabaseId, dataSources.Create(d.ConnectionString), d.TenantCount, d.IsFull))];
    }
}

/// <summary>A database of the pool: its id, a data source for it, how many tenants Marten has placed on it, whether it takes new ones.</summary>
public sealed record DataDatabase(string Id, NpgsqlDataSource DataSource, int Tenants, bool IsFull)
{
    /// <summary>The database's size on disk (<c>pg_database_size</c>).</summary>
    public async Task<long> BytesAsync(CancellationToken ct)
    {
        await using var cmd = DataSource.CreateCommand("select pg_database_size(current_database())");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}

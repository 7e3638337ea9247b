using Npgsql;

namespace GrowHalo.Platform.Tenancy;

/// <summary>
/// Where each tenant's data lives: request code and stores reach a tenant's events and read models through here
/// (<see cref="TenantDb.BeginAsync(TenantDatabases, string, CancellationToken)"/>), work that spans tenants through
/// <see cref="AllAsync"/>. For now every tenant's data is in the one database; several come next.
/// </summary>
public sealed class TenantDatabases(NpgsqlDataSource master)
{
    public NpgsqlDataSource Master => master;

    /// <summary>The data database of <paramref name="tenantId"/>.</summary>
    public ValueTask<NpgsqlDataSource> ForTenantAsync(string tenantId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        return ValueTask.FromResult(master);
    }

    /// <summary>Every data database, for work that spans tenants (background services, health).</summary>
    public ValueTask<IReadOnlyList<NpgsqlDataSource>> AllAsync(CancellationToken ct = default) =>
        ValueTask.FromResult<IReadOnlyList<NpgsqlDataSource>>([master]);
}

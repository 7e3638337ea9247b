using GrowHalo.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Bench.Setup;

/// <summary>A tenant and an API key with every scope, created in the database the way the operator endpoint does.</summary>
public sealed record BenchTenant(Tenant Tenant, string ApiKey)
{
    public string Id => Tenant.Id;

    public static async Task<BenchTenant> CreateAsync(NpgsqlDataSource db, string name, string timeZone = "America/New_York", CancellationToken ct = default)
    {
        var tenant = await new TenantStore(db, TimeProvider.System).CreateAsync($"{name} {Guid.NewGuid():N}"[..(name.Length + 9)], null, timeZone, "USD", ct);
        var key = await new ApiKeyStore(db, TimeProvider.System).CreateAsync(tenant.Id, Scopes.All, "bench", ct: ct);
        return new BenchTenant(tenant, key.RawKey);
    }
}

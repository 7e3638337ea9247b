using GrowHalo.Simulator.World;
using Npgsql;

namespace GrowHalo.Simulator.Demo;

/// <summary>The simulated world a tenant holds (see 0600_simulator_worlds.sql).</summary>
public sealed record SimWorldRow(string TenantId, int Seed, DateOnly FirstDay, string TimeZone, DateTimeOffset? SeededAt)
{
    public SimWorld Open() => new(new WorldOptions { Seed = Seed, TimeZone = TimeZone }, FirstDay);
}

public sealed class SimWorldStore(NpgsqlDataSource db)
{
    /// <summary>The tenant's world, created with <paramref name="firstDay"/> the first time; later calls keep the stored one.</summary>
    public async Task<SimWorldRow> GetOrCreateAsync(string tenantId, int seed, DateOnly firstDay, string timeZone, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            insert into simulator_worlds (tenant_id, seed, first_day, time_zone) values ($1, $2, $3, $4)
            on conflict (tenant_id) do update set tenant_id = excluded.tenant_id
            returning tenant_id, seed, first_day, time_zone, seeded_at
            """);
        cmd.Parameters.Add(new() { Value = tenantId });
        cmd.Parameters.Add(new() { Value = seed });
        cmd.Parameters.Add(new() { Value = firstDay });
        cmd.Parameters.Add(new() { Value = timeZone });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new SimWorldRow(r.GetString(0), r.GetInt32(1), r.GetFieldValue<DateOnly>(2), r.GetString(3),
            r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4));
    }

    public async Task MarkSeededAsync(string tenantId, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("update simulator_worlds set seeded_at = $2 where tenant_id = $1");
        cmd.Parameters.Add(new() { Value = tenantId });
        cmd.Parameters.Add(new() { Value = at });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task DeleteAsync(string tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from simulator_worlds where tenant_id = $1");
        cmd.Parameters.Add(new() { Value = tenantId });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

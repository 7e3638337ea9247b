using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Npgsql;

namespace GrowHalo.Platform.Tenancy;

public sealed partial class TenantStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<Tenant> CreateAsync(string name, string? slug = null, string timeZone = "UTC", string currency = "USD", CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        TimeZoneInfo.FindSystemTimeZoneById(timeZone); // throws TimeZoneNotFoundException with the bad id
        var tenant = new Tenant("tn_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), name.Trim(),
            slug ?? Slugify(name), timeZone, currency.ToUpperInvariant(), clock.GetUtcNow());
        await using var cmd = dataSource.CreateCommand(
            "insert into tenants (id, name, slug, time_zone, currency, created_at) values ($1, $2, $3, $4, $5, $6)");
        foreach (var v in new object[] { tenant.Id, tenant.Name, tenant.Slug, tenant.TimeZone, tenant.Currency, tenant.CreatedAt })
            cmd.Parameters.Add(new() { Value = v });
        await cmd.ExecuteNonQueryAsync(ct);
        return tenant;
    }

    public async Task<Tenant?> FindAsync(string idOrSlug, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "select id, name, slug, time_zone, currency, created_at from tenants where id = $1 or slug = $1");
        cmd.Parameters.Add(new() { Value = idOrSlug });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("select id, name, slug, time_zone, currency, created_at from tenants order by created_at");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<Tenant>();
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    private static Tenant Read(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5));

    public static string Slugify(string name) => SlugChars().Replace(name.Trim().ToLowerInvariant(), "-").Trim('-');

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex SlugChars();
}

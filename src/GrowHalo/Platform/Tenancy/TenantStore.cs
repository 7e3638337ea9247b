using System.Security.Cryptography;
using Npgsql;

namespace GrowHalo.Platform.Tenancy;

/// <summary>A slug names one tenant only.</summary>
public sealed class TenantSlugTakenException(string slug)
    : ArgumentException($"A tenant with slug '{slug}' exists already. Choose another slug.")
{
    public string Slug { get; } = slug;
}

/// <summary>
/// Tenants (brands), in the master database. Writes and tenant-scoped reads run in a <see cref="TenantDb"/> of the
/// tenant concerned; a new tenant is placed on a data database before its row commits (<see cref="TenantPlacement"/>).
/// </summary>
public sealed class TenantStore(NpgsqlDataSource dataSource, TimeProvider clock, TenantPlacement? placement = null)
{
    private const string Columns = "id, name, slug, time_zone, currency, created_at, abandoned_checkout_minutes, recovery_window_days";

    /// <summary>Validates and creates a tenant (time zone UTC and currency USD unless given).</summary>
    /// <exception cref="InvalidSettingsException">a setting is not usable; nothing is stored</exception>
    /// <exception cref="TenantSlugTakenException">another tenant has the slug</exception>
    public async Task<Tenant> CreateAsync(string name, string? slug = null, string? timeZone = null, string? currency = null, CancellationToken ct = default,
        string? database = null)
    {
        var tenant = New(name, slug, timeZone, currency);
        await using var db = await TenantDb.BeginAsync(dataSource, tenant.Id, ct);
        await InsertAsync(db, tenant, ct);
        // On the given data database or the emptiest; without a placement (tools), on main at first use.
        if (placement is not null) await placement.PlaceAsync(tenant, ct, database);
        await db.CommitAsync(ct);
        return tenant;
    }

    /// <summary>A validated tenant with a fresh id, not yet stored (see <see cref="InsertAsync"/>).</summary>
    public Tenant New(string name, string? slug = null, string? timeZone = null, string? currency = null)
    {
        var id = "tn_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var derived = TenantRules.Slugify(name ?? "");
        var s = TenantRules.Validate(new TenantSettings(name ?? "", slug ?? (derived.Length > 0 ? derived : id[3..]),
            timeZone ?? TenantRules.DefaultTimeZone, currency ?? TenantRules.DefaultCurrency));
        return new Tenant(id, s.Name!, s.Slug!, s.TimeZone!, s.Currency!, clock.GetUtcNow());
    }

    /// <summary>Stores a tenant made by <see cref="New"/> in <paramref name="db"/> (a TenantDb of that tenant's id).</summary>
    public static async Task InsertAsync(TenantDb db, Tenant tenant, CancellationToken ct = default)
    {
        await using var cmd = db.Command($"insert into tenants ({Columns}) values ($1, $2, $3, $4, $5, $6, $7, $8)",
            tenant.Id, tenant.Name, tenant.Slug, tenant.TimeZone, tenant.Currency, tenant.CreatedAt,
            tenant.AbandonedCheckoutMinutes, tenant.RecoveryWindowDays);
        try
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "tenants_slug_key")
        {
            throw new TenantSlugTakenException(tenant.Slug);
        }
    }

    /// <summary>Changes the given settings of a tenant (null fields stay as they are). Null when there is no such tenant.</summary>
    /// <exception cref="InvalidSettingsException">a setting is not usable; nothing is changed</exception>
    public async Task<Tenant?> UpdateAsync(string tenantId, TenantSettings changes, CancellationToken ct = default)
    {
        var valid = TenantRules.Validate(changes with { Slug = null });
        await using var db = await TenantDb.BeginAsync(dataSource, tenantId, ct);
        await using var cmd = db.Command($"""
            update tenants set name = coalesce($2, name), time_zone = coalesce($3, time_zone), currency = coalesce($4, currency),
                abandoned_checkout_minutes = coalesce($5::integer, abandoned_checkout_minutes),
                recovery_window_days = coalesce($6::integer, recovery_window_days)
            where id = $1
            returning {Columns}
            """, tenantId, valid.Name, valid.TimeZone, valid.Currency, valid.AbandonedCheckoutMinutes, valid.RecoveryWindowDays);
        Tenant? tenant;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            tenant = await r.ReadAsync(ct) ? Read(r) : null;
        // The copy in the tenant's data database first: if the master's commit then fails, the next change repairs it.
        if (tenant is not null && placement is not null) await placement.MirrorAsync(tenant, ct);
        await db.CommitAsync(ct);
        return tenant;
    }

    /// <summary>The tenant a <see cref="TenantDb"/> is scoped to.</summary>
    public static async Task<Tenant?> GetAsync(TenantDb db, CancellationToken ct = default)
    {
        await using var cmd = db.Command($"select {Columns} from tenants where id = $1", db.TenantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    /// <summary>By id or slug, across tenants: for binding an authenticated key's tenant and for the CLI.</summary>
    public async Task<Tenant?> FindAsync(string idOrSlug, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand($"select {Columns} from tenants where id = $1 or slug = $1");
        cmd.Parameters.Add(new() { Value = idOrSlug });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    /// <summary>Every tenant: an operator's view (CLI), never a tenant's.</summary>
    public async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand($"select {Columns} from tenants order by created_at");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<Tenant>();
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    private static Tenant Read(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5),
            r.GetInt32(6), r.GetInt32(7));
}

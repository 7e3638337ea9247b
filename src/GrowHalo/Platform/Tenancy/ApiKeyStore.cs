using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace GrowHalo.Platform.Tenancy;

public sealed record ApiKeyInfo(Guid Id, string TenantId, string Prefix, string Label, IReadOnlyList<string> Scopes,
    DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, DateTimeOffset CreatedAt);

public sealed record CreatedApiKey(ApiKeyInfo Info, string RawKey);

/// <summary>
/// API keys: "ghk_" + 32 random bytes (base64url), shown once, stored only as their SHA-256.
/// Everything but the lookup of a presented key runs in a <see cref="TenantDb"/> of the key's tenant.
/// </summary>
public sealed class ApiKeyStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const int MaxLabelLength = 100;
    private const string Columns = "id, tenant_id, key_prefix, label, scopes, expires_at, last_used_at, revoked_at, created_at";

    /// <exception cref="InvalidSettingsException">unknown or no scopes, a long label, or an expiry not in the future</exception>
    public async Task<CreatedApiKey> CreateAsync(string tenantId, IReadOnlyList<string> scopes, string label = "", DateTimeOffset? expiresAt = null, CancellationToken ct = default)
    {
        Validate(scopes, label, expiresAt);
        await using var db = await TenantDb.BeginAsync(dataSource, tenantId, ct);
        var key = await CreateAsync(db, scopes, label, expiresAt, ct);
        await db.CommitAsync(ct);
        return key;
    }

    /// <summary>Creates a key for the tenant of <paramref name="db"/>, in its transaction.</summary>
    public async Task<CreatedApiKey> CreateAsync(TenantDb db, IReadOnlyList<string> scopes, string label = "", DateTimeOffset? expiresAt = null, CancellationToken ct = default)
    {
        Validate(scopes, label, expiresAt);
        expiresAt = expiresAt?.ToUniversalTime(); // PostgreSQL's timestamptz takes UTC instants: "+14:00" is the same instant
        var raw = "ghk_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var info = new ApiKeyInfo(Guid.CreateVersion7(), db.TenantId, raw[..12], label.Trim(), scopes.Distinct().ToList(), expiresAt, null, null, clock.GetUtcNow());
        await using var cmd = db.Command("""
            insert into api_keys (id, tenant_id, key_hash, key_prefix, label, scopes, expires_at, created_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8)
            """, info.Id, info.TenantId, Hash(raw), info.Prefix, info.Label, info.Scopes.ToArray(), expiresAt, info.CreatedAt);
        await cmd.ExecuteNonQueryAsync(ct);
        return new CreatedApiKey(info, raw);
    }

    /// <summary>
    /// The key's record if the raw key is known, whatever its state; the caller decides about expiry and revocation.
    /// Across tenants (the tenant is not known yet). last_used_at is written at most once a minute per key, so busy
    /// clients do not queue on one row lock.
    /// </summary>
    public async Task<ApiKeyInfo?> FindByRawKeyAsync(string rawKey, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand($"""
            with found as (select {Columns} from api_keys where key_hash = $1),
            touched as (
                update api_keys k set last_used_at = $2 from found f
                where k.id = f.id and (k.last_used_at is null or k.last_used_at < $2 - interval '1 minute'))
            select * from found
            """);
        cmd.Parameters.Add(new() { Value = Hash(rawKey) });
        cmd.Parameters.Add(new() { Value = clock.GetUtcNow() });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string tenantId, CancellationToken ct = default)
    {
        await using var db = await TenantDb.BeginAsync(dataSource, tenantId, ct);
        await using var cmd = db.Command($"select {Columns} from api_keys where tenant_id = $1 order by created_at, id", tenantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<ApiKeyInfo>();
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    /// <summary>One of the tenant's keys; null when the tenant has none with that id (whoever else may).</summary>
    public async Task<ApiKeyInfo?> GetAsync(string tenantId, Guid keyId, CancellationToken ct = default)
    {
        await using var db = await TenantDb.BeginAsync(dataSource, tenantId, ct);
        await using var cmd = db.Command($"select {Columns} from api_keys where tenant_id = $1 and id = $2", tenantId, keyId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    /// <summary>Revokes one of the tenant's keys (again is harmless). Null when the tenant has no key with that id.</summary>
    public async Task<ApiKeyInfo?> RevokeAsync(string tenantId, Guid keyId, CancellationToken ct = default)
    {
        await using var db = await TenantDb.BeginAsync(dataSource, tenantId, ct);
        await using var cmd = db.Command($"""
            update api_keys set revoked_at = coalesce(revoked_at, $3) where tenant_id = $1 and id = $2
            returning {Columns}
            """, tenantId, keyId, clock.GetUtcNow());
        ApiKeyInfo? key;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            key = await r.ReadAsync(ct) ? Read(r) : null;
        await db.CommitAsync(ct);
        return key;
    }

    private void Validate(IReadOnlyList<string> scopes, string label, DateTimeOffset? expiresAt)
    {
        var errors = new Dictionary<string, string[]>();
        var unknown = scopes.Except(Scopes.All).ToList();
        if (scopes.Count == 0) errors["scopes"] = [$"A key needs at least one scope: {string.Join(", ", Scopes.All)}."];
        else if (unknown.Count > 0) errors["scopes"] = [$"Unknown scope(s): {string.Join(", ", unknown)}. Allowed: {string.Join(", ", Scopes.All)}."];
        if (label.Trim().Length > MaxLabelLength) errors["label"] = [$"The label is {label.Trim().Length} characters long; keep it to {MaxLabelLength}."];
        if (expiresAt is { } at && at <= clock.GetUtcNow())
            errors["expires_at"] = [$"The expiry {at:u} is not in the future. Send a later time, or none for a key that does not expire."];
        if (errors.Count > 0) throw new InvalidSettingsException(errors);
    }

    private static ApiKeyInfo Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<string[]>(4),
        r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6),
        r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8));

    public static byte[] Hash(string rawKey) => SHA256.HashData(Encoding.UTF8.GetBytes(rawKey));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

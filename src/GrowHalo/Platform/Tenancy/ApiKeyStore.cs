using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace GrowHalo.Platform.Tenancy;

public sealed record ApiKeyInfo(Guid Id, string TenantId, string Prefix, string Label, IReadOnlyList<string> Scopes,
    DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, DateTimeOffset CreatedAt);

public sealed record CreatedApiKey(ApiKeyInfo Info, string RawKey);

/// <summary>API keys: "ghk_" + 32 random bytes (base64url), shown once, stored only as their SHA-256.</summary>
public sealed class ApiKeyStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<CreatedApiKey> CreateAsync(string tenantId, IReadOnlyList<string> scopes, string label = "", DateTimeOffset? expiresAt = null, CancellationToken ct = default)
    {
        var unknown = scopes.Except(Scopes.All).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"Unknown scope(s): {string.Join(", ", unknown)}. Allowed: {string.Join(", ", Scopes.All)}.");
        if (scopes.Count == 0) throw new ArgumentException($"A key needs at least one scope: {string.Join(", ", Scopes.All)}.");
        var raw = "ghk_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var info = new ApiKeyInfo(Guid.CreateVersion7(), tenantId, raw[..12], label, scopes.Distinct().ToList(), expiresAt, null, null, clock.GetUtcNow());
        await using var cmd = dataSource.CreateCommand("""
            insert into api_keys (id, tenant_id, key_hash, key_prefix, label, scopes, expires_at, created_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8)
            """);
        foreach (var v in new object?[] { info.Id, tenantId, Hash(raw), info.Prefix, label, info.Scopes.ToArray(), expiresAt, info.CreatedAt })
            cmd.Parameters.Add(new() { Value = v ?? DBNull.Value });
        await cmd.ExecuteNonQueryAsync(ct);
        return new CreatedApiKey(info, raw);
    }

    /// <summary>The key's record if the raw key is known, whatever its state; the caller decides about expiry and revocation.</summary>
    public async Task<ApiKeyInfo?> FindByRawKeyAsync(string rawKey, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand($"""
            update api_keys set last_used_at = $2 where key_hash = $1
            returning {Columns}
            """);
        cmd.Parameters.Add(new() { Value = Hash(rawKey) });
        cmd.Parameters.Add(new() { Value = clock.GetUtcNow() });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string tenantId, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand($"select {Columns} from api_keys where tenant_id = $1 order by created_at");
        cmd.Parameters.Add(new() { Value = tenantId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<ApiKeyInfo>();
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    public async Task<bool> RevokeAsync(string tenantId, Guid keyId, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "update api_keys set revoked_at = coalesce(revoked_at, $3) where tenant_id = $1 and id = $2");
        cmd.Parameters.Add(new() { Value = tenantId });
        cmd.Parameters.Add(new() { Value = keyId });
        cmd.Parameters.Add(new() { Value = clock.GetUtcNow() });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private const string Columns = "id, tenant_id, key_prefix, label, scopes, expires_at, last_used_at, revoked_at, created_at";

    private static ApiKeyInfo Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<string[]>(4),
        r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6),
        r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8));

    public static byte[] Hash(string rawKey) => SHA256.HashData(Encoding.UTF8.GetBytes(rawKey));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

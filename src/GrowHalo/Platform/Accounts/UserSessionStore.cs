using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowHalo.Platform.Accounts;

/// <summary>A live sign-in: who, on which tenant (null when they belong to none), in which role there.</summary>
public sealed record UserSession(Guid UserId, string Email, string? TenantId, string? Role);

/// <summary>
/// Server-side records of sign-ins, named by the SHA-256 of a random id the session cookie's ticket carries. The row
/// is what makes a session revocable: the cookie's own expiry cannot be taken back, the row can.
/// </summary>
public sealed class UserSessionStore(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<AccountOptions> options)
{
    public static byte[] Hash(string sessionId) => SHA256.HashData(Encoding.UTF8.GetBytes(sessionId));

    /// <summary>Opens a session for the user on <paramref name="tenantId"/>; the id returned goes into the cookie only.</summary>
    public async Task<(string Id, DateTimeOffset ExpiresAt)> OpenAsync(Guid userId, string? tenantId, CancellationToken ct)
    {
        var id = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        var expires = now + options.Value.SessionLifetime;
        // Expired rows are swept on the way in, so the table does not grow with abandoned sessions.
        await using var cmd = dataSource.Command("""
            with swept as (delete from user_sessions where expires_at < $4 - interval '1 day')
            insert into user_sessions (id_hash, user_id, tenant_id, created_at, expires_at) values ($1, $2, $3, $4, $5)
            """, Hash(id), userId, tenantId, now, expires);
        await cmd.ExecuteNonQueryAsync(ct);
        return (id, expires);
    }

    /// <summary>The session behind an id, with the user's current role on its tenant; null when it ended.</summary>
    public async Task<UserSession?> ValidateAsync(string sessionId, CancellationToken ct)
    {
        await using var cmd = dataSource.Command("""
            select u.id, u.email, m.tenant_id, m.role
            from user_sessions s join users u on u.id = s.user_id
            left join memberships m on m.tenant_id = s.tenant_id and m.user_id = s.user_id
            where s.id_hash = $1 and s.revoked_at is null and s.expires_at > $2
            """, Hash(sessionId), clock.GetUtcNow());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new UserSession(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3));
    }

    /// <summary>Moves the session to another tenant (the caller checked the membership).</summary>
    public async Task SwitchTenantAsync(string sessionId, string tenantId, CancellationToken ct)
    {
        await using var cmd = dataSource.Command("update user_sessions set tenant_id = $2 where id_hash = $1 and revoked_at is null", Hash(sessionId), tenantId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task RevokeAsync(string sessionId, CancellationToken ct)
    {
        await using var cmd = dataSource.Command("update user_sessions set revoked_at = coalesce(revoked_at, $2) where id_hash = $1", Hash(sessionId), clock.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

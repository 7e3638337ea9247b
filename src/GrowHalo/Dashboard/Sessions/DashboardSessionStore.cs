using System.Security.Cryptography;
using GrowHalo.Platform.Tenancy;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowHalo.Dashboard.Sessions;

/// <summary>A signed-in dashboard: the tenant and the API key it was opened with.</summary>
public sealed record DashboardSession(string TenantId, Guid KeyId, string KeyPrefix);

/// <summary>Either a new session (its id goes into the cookie, nowhere else) or why there is none.</summary>
public sealed record SignInResult(string? SessionId, DashboardSession? Session, SignInFailure? Failure);

/// <summary>
/// Server-side dashboard sessions. Only the SHA-256 of a session id is stored; each lookup joins the API key, so a
/// revoked or expired key ends its sessions at once, and signing out deletes the row.
/// </summary>
public sealed class DashboardSessionStore(NpgsqlDataSource db, ApiKeyStore keys, TimeProvider clock, IOptions<DashboardOptions> options)
{
    public static readonly SignInFailure SessionEnded = new("session_ended", StatusCodes.Status401Unauthorized,
        "Your dashboard session has ended (signed out, expired or unknown). Sign in again with an API key.");
    public static readonly SignInFailure LinkExpired = new("expired_link", StatusCodes.Status401Unauthorized,
        "This sign-in link has expired or was already used. Ask for a new one, or sign in with an API key.");

    private const string KeyColumns = "k.id, k.key_prefix, k.scopes, k.revoked_at, k.expires_at, s.tenant_id, s.expires_at";

    public async Task<SignInResult> SignInWithKeyAsync(string rawKey, CancellationToken ct = default)
    {
        var key = await keys.FindByRawKeyAsync(rawKey.Trim(), ct);
        if (key is null) return Failed(KeyCheck.UnknownKey);
        var failure = KeyCheck.Check(key.Prefix, key.Scopes, key.RevokedAt, key.ExpiresAt, clock.GetUtcNow());
        return failure is not null ? Failed(failure) : await OpenAsync("session", key.TenantId, key.Id, key.Prefix, options.Value.SessionLifetime, ct);
    }

    /// <summary>A one-time sign-in link for <paramref name="key"/> (for `growhalo demo`): a relative URL, valid for a few minutes.</summary>
    public async Task<string> CreateSignInLinkAsync(ApiKeyInfo key, CancellationToken ct = default)
    {
        var link = await OpenAsync("sign_in_link", key.TenantId, key.Id, key.Prefix, options.Value.SignInLinkLifetime, ct);
        return $"/dashboard/sign-in?token={link.SessionId}";
    }

    /// <summary>Spends a one-time link: the link's row is deleted whatever happens next, so it never works twice.</summary>
    public async Task<SignInResult> SignInWithLinkAsync(string token, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"""
            delete from dashboard_sessions s using api_keys k
            where s.id_hash = $1 and s.kind = 'sign_in_link' and k.id = s.key_id
            returning {KeyColumns}
            """);
        cmd.Parameters.Add(new() { Value = ApiKeyStore.Hash(token) });
        var found = await ReadAsync(cmd, ct);
        if (found is null || found.Value.SessionExpiresAt <= clock.GetUtcNow()) return Failed(LinkExpired);
        if (found.Value.Failure is { } failure) return Failed(failure);
        return await OpenAsync("session", found.Value.Session.TenantId, found.Value.Session.KeyId, found.Value.Session.KeyPrefix, options.Value.SessionLifetime, ct);
    }

    /// <summary>The live session behind a cookie's id, or why it no longer counts.</summary>
    public async Task<(DashboardSession? Session, SignInFailure? Failure)> ValidateAsync(string sessionId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"""
            select {KeyColumns} from dashboard_sessions s join api_keys k on k.id = s.key_id
            where s.id_hash = $1 and s.kind = 'session'
            """);
        cmd.Parameters.Add(new() { Value = ApiKeyStore.Hash(sessionId) });
        var found = await ReadAsync(cmd, ct);
        if (found is null || found.Value.SessionExpiresAt <= clock.GetUtcNow()) return (null, SessionEnded);
        return found.Value.Failure is { } failure ? (null, failure) : (found.Value.Session, null);
    }

    public async Task SignOutAsync(string sessionId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("delete from dashboard_sessions where id_hash = $1");
        cmd.Parameters.Add(new() { Value = ApiKeyStore.Hash(sessionId) });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<SignInResult> OpenAsync(string kind, string tenantId, Guid keyId, string prefix, TimeSpan lifetime, CancellationToken ct)
    {
        var id = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        // Expired rows are swept here, on the way in, so the table never grows with abandoned sessions.
        await using var cmd = db.CreateCommand("""
            with swept as (delete from dashboard_sessions where expires_at < $5)
            insert into dashboard_sessions (id_hash, kind, tenant_id, key_id, created_at, expires_at)
            values ($1, $2, $3, $4, $5, $6)
            """);
        foreach (var v in new object[] { ApiKeyStore.Hash(id), kind, tenantId, keyId, now, now + lifetime })
            cmd.Parameters.Add(new() { Value = v });
        await cmd.ExecuteNonQueryAsync(ct);
        return new SignInResult(id, new DashboardSession(tenantId, keyId, prefix), null);
    }

    private async Task<(DashboardSession Session, DateTimeOffset SessionExpiresAt, SignInFailure? Failure)?> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var prefix = r.GetString(1);
        var failure = KeyCheck.Check(prefix, r.GetFieldValue<string[]>(2),
            r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3), r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), clock.GetUtcNow());
        return (new DashboardSession(r.GetString(5), r.GetGuid(0), prefix), r.GetFieldValue<DateTimeOffset>(6), failure);
    }

    private static SignInResult Failed(SignInFailure failure) => new(null, null, failure);
}

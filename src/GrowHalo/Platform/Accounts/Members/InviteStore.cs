using System.Security.Cryptography;
using GrowHalo.Platform.Tenancy;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowHalo.Platform.Accounts;

public sealed record Invite(Guid Id, string TenantId, string Email, string Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// One-time invitations to a tenant: a random token shown once (in the invite link), stored as its SHA-256; it
/// expires, and accepting it spends it.
/// </summary>
public sealed class InviteStore(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<AccountOptions> options)
{
    private const string Columns = "id, tenant_id, email, role, created_at, expires_at";

    public async Task<(Invite Invite, string Token)> CreateAsync(string tenantId, string email, string role, Guid? invitedBy, CancellationToken ct)
    {
        var token = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        var invite = new Invite(Guid.CreateVersion7(), tenantId, email, role, now, now + options.Value.InviteLifetime);
        await using var db = await TenantDb.BeginAsync(dataSource, tenantId, ct);
        await using var cmd = db.Command("""
            insert into member_invites (id, tenant_id, email, role, token_hash, invited_by, created_at, expires_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8)
            """, invite.Id, tenantId, email, role, UserSessionStore.Hash(token), invitedBy, now, invite.ExpiresAt);
        await cmd.ExecuteNonQueryAsync(ct);
        await db.CommitAsync(ct);
        return (invite, token);
    }

    /// <summary>The invitation behind a token if it is neither used nor expired. Across tenants: the token names the tenant.</summary>
    public async Task<Invite?> FindOpenAsync(string token, CancellationToken ct)
    {
        await using var cmd = dataSource.Command($"select {Columns} from member_invites where token_hash = $1 and accepted_at is null and expires_at > $2",
            UserSessionStore.Hash(token), clock.GetUtcNow());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public async Task<IReadOnlyList<Invite>> ListOpenAsync(TenantDb db, CancellationToken ct)
    {
        await using var cmd = db.Command($"select {Columns} from member_invites where tenant_id = $1 and accepted_at is null and expires_at > $2 order by created_at, id",
            db.TenantId, clock.GetUtcNow());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<Invite>();
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    /// <summary>Spends the invitation in <paramref name="db"/>'s transaction; false when someone spent it first.</summary>
    public async Task<bool> SpendAsync(TenantDb db, Guid inviteId, Guid userId, CancellationToken ct)
    {
        await using var cmd = db.Command("""
            update member_invites set accepted_at = $3, accepted_by = $4
            where tenant_id = $1 and id = $2 and accepted_at is null and expires_at > $3
            """, db.TenantId, inviteId, clock.GetUtcNow(), userId);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private static Invite Read(NpgsqlDataReader r) =>
        new(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4), r.GetFieldValue<DateTimeOffset>(5));
}

using GrowHalo.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Platform.Accounts;

public sealed record UserAccount(Guid Id, string Email, string PasswordHash, DateTimeOffset CreatedAt);

/// <summary>A user's place in one tenant.</summary>
public sealed record Membership(string TenantId, string TenantName, string TenantSlug, string Role);

/// <summary>An account exists already for this (normalised) e-mail.</summary>
public sealed class EmailTakenException() : InvalidOperationException("An account with this e-mail address exists already.");

/// <summary>
/// Users and their memberships. Lookups by e-mail and of a user's tenants run on the pool, across tenants (as key
/// lookup does: the tenant is not known yet); writes to a tenant's memberships run in that tenant's <see cref="TenantDb"/>.
/// </summary>
public sealed class UserStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Columns = "id, email, password_hash, created_at";

    public async Task<UserAccount?> FindByEmailAsync(string normalisedEmail, CancellationToken ct)
    {
        await using var cmd = dataSource.Command($"select {Columns} from users where email = $1", normalisedEmail);
        return await ReadOneAsync(cmd, ct);
    }

    public async Task<UserAccount?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = dataSource.Command($"select {Columns} from users where id = $1", id);
        return await ReadOneAsync(cmd, ct);
    }

    /// <summary>A new user (not stored yet) with the password hashed.</summary>
    public UserAccount New(string normalisedEmail, string passwordHash)
    {
        var now = clock.GetUtcNow();
        // PostgreSQL keeps microseconds: the answer given now equals what a later read returns.
        return new(Guid.CreateVersion7(), normalisedEmail, passwordHash, now.AddTicks(-(now.Ticks % 10)));
    }

    /// <summary>Stores <paramref name="user"/> in <paramref name="db"/>'s transaction.</summary>
    /// <exception cref="EmailTakenException">the e-mail has an account</exception>
    public static async Task InsertAsync(TenantDb db, UserAccount user, CancellationToken ct)
    {
        await using var cmd = db.Command("""
            insert into users (id, email, password_hash, created_at, password_changed_at) values ($1, $2, $3, $4, $4)
            """, user.Id, user.Email, user.PasswordHash, user.CreatedAt);
        try
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new EmailTakenException();
        }
    }

    /// <summary>Makes the user a member of <paramref name="db"/>'s tenant; an existing member keeps the role they have.</summary>
    public async Task<string> AddMembershipAsync(TenantDb db, Guid userId, string role, CancellationToken ct)
    {
        await using var cmd = db.Command("""
            insert into memberships (tenant_id, user_id, role, created_at) values ($1, $2, $3, $4)
            on conflict (tenant_id, user_id) do update set role = memberships.role
            returning role
            """, db.TenantId, userId, role, clock.GetUtcNow());
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Every tenant the user belongs to, oldest membership first.</summary>
    public async Task<IReadOnlyList<Membership>> MembershipsAsync(Guid userId, CancellationToken ct)
    {
        await using var cmd = dataSource.Command("""
            select t.id, t.name, t.slug, m.role from memberships m join tenants t on t.id = m.tenant_id
            where m.user_id = $1 order by m.created_at, t.id
            """, userId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<Membership>();
        while (await r.ReadAsync(ct)) list.Add(new Membership(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        return list;
    }

    /// <summary>Sets a new password hash and revokes every session of the user but <paramref name="keepSession"/>, together.</summary>
    public async Task ChangePasswordAsync(Guid userId, string hash, string keepSession, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(conn, tx)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("update users set password_hash = $2, password_changed_at = $3 where id = $1")
                    { Parameters = { new() { Value = userId }, new() { Value = hash }, new() { Value = now } } },
                new NpgsqlBatchCommand("update user_sessions set revoked_at = $3 where user_id = $1 and id_hash <> $2 and revoked_at is null")
                    { Parameters = { new() { Value = userId }, new() { Value = UserSessionStore.Hash(keepSession) }, new() { Value = now } } },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    private static async Task<UserAccount?> ReadOneAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new UserAccount(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3)) : null;
    }
}

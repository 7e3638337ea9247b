using System.Security.Cryptography;
using Npgsql;

namespace GrowHalo.Platform.Accounts;

/// <summary>
/// The person `growhalo demo` signs in as: demo@growhalo.local, owner of the demo brand, with a fresh random password
/// each run (printed beside the API key; the previous run's password and sessions stop working).
/// </summary>
public sealed class DemoUser(NpgsqlDataSource dataSource, Passwords passwords, TimeProvider clock)
{
    public const string Email = "demo@growhalo.local";

    /// <summary>Creates or resets the demo user as owner of <paramref name="tenantId"/>; the password, shown once.</summary>
    public async Task<string> EnsureAsync(string tenantId, CancellationToken ct)
    {
        var password = "demo-" + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12));
        var now = clock.GetUtcNow();
        // An operator's action from the command line, across tables, in one transaction on the owner's connection.
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(conn, tx)
        {
            BatchCommands =
            {
                Command("""
                    insert into users (id, email, password_hash, created_at, password_changed_at) values ($1, $2, $3, $4, $4)
                    on conflict (email) do update set password_hash = excluded.password_hash, password_changed_at = excluded.password_changed_at
                    """, Guid.CreateVersion7(), Email, passwords.Hash(password), now),
                Command("""
                    update user_sessions set revoked_at = $2 where revoked_at is null and user_id = (select id from users where email = $1)
                    """, Email, now),
                Command("""
                    insert into memberships (tenant_id, user_id, role, created_at) select $1, id, 'owner', $3 from users where email = $2
                    on conflict (tenant_id, user_id) do update set role = 'owner'
                    """, tenantId, Email, now),
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return password;
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] args)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        return command;
    }
}

using Npgsql;

namespace GrowHalo.Platform.Tenancy;

/// <summary>
/// A connection and transaction in which PostgreSQL itself shows and accepts only one tenant's rows
/// (row-level security): a second wall behind each query's own <c>where tenant_id = …</c>, so a forgotten filter
/// reads nothing of another brand.
/// <para>Why opt-in: the pool logs in as the owner of the tables, and owners bypass row-level security, which the
/// projection daemon, migrations and key lookup need. <see cref="BeginAsync"/> runs <c>set local role growhalo_tenant</c>
/// and <c>set_config('growhalo.tenant_id', id, true)</c>; both end with the transaction, so a pooled connection never
/// carries them to its next user.</para>
/// <para>Use it in request code that reads or changes one tenant's data:</para>
/// <code>
/// await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
/// await using var cmd = db.Command("select count(*) from orders where tenant_id = $1", tenant.Id);
/// var count = (long)(await cmd.ExecuteScalarAsync(ct))!;
/// await db.CommitAsync(ct); // only when it wrote something: disposing without a commit rolls back
/// </code>
/// <para>A new tenant-owned table (one with a <c>tenant_id</c> column) joins by one line in its migration:
/// <c>select growhalo_enable_tenant_rls('orders');</c> — it enables RLS with the policy
/// <c>tenant_id = current_setting('growhalo.tenant_id', true)</c> and grants the role access. A shared table without
/// a tenant column that tenant code must read needs <c>grant select on … to growhalo_tenant</c>.</para>
/// <para>This guards against a missing filter, not against injected SQL (which could <c>reset role</c>):
/// SQL stays parameterised.</para>
/// </summary>
public sealed class TenantDb : IAsyncDisposable
{
    public const string Role = "growhalo_tenant";
    public const string TenantSetting = "growhalo.tenant_id";

    private TenantDb(string tenantId, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        TenantId = tenantId;
        Connection = connection;
        Transaction = transaction;
    }

    public string TenantId { get; }
    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }

    /// <summary>As <see cref="BeginAsync(NpgsqlDataSource, string, CancellationToken)"/>, in the tenant's own data database.</summary>
    public static async Task<TenantDb> BeginAsync(TenantDatabases databases, string tenantId, CancellationToken ct = default) =>
        await BeginAsync(await databases.ForTenantAsync(tenantId, ct), tenantId, ct);

    /// <summary>Opens a connection, begins a transaction and scopes it to <paramref name="tenantId"/>, in one round trip.</summary>
    public static async Task<TenantDb> BeginAsync(NpgsqlDataSource dataSource, string tenantId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(ct);
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand($"select set_config('{TenantSetting}', $1, true)") { Parameters = { new() { Value = tenantId } } },
                    new NpgsqlBatchCommand($"set local role {Role}"),
                },
            };
            await batch.ExecuteNonQueryAsync(ct);
            return new TenantDb(tenantId, connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A command in this transaction; <paramref name="args"/> bind to $1, $2, … in order (null becomes SQL null).</summary>
    public NpgsqlCommand Command(string sql, params object?[] args)
    {
        var command = new NpgsqlCommand(sql, Connection, Transaction);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
        return command;
    }

    public Task CommitAsync(CancellationToken ct = default) => Transaction.CommitAsync(ct);

    /// <summary>Rolls back anything not committed; the role and tenant setting end with the transaction.</summary>
    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}

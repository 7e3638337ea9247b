using GrowHalo.Platform.Events;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Infrastructure;
using Npgsql;

namespace GrowHalo.Tests.Platform.Tenancy;

/// <summary>PostgreSQL row-level security stops a query that forgot its tenant filter.</summary>
public sealed class RowLevelSecurityTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static NewEvent Event(string tenant, int n) =>
        GrowHalo.Tests.Modeling.SourceRecords.Event(tenant, $"shopify:order:{n}", $"orders:{n}", GrowHalo.Ingestion.SourceEventTypes.ShopifyOrder,
            System.Text.Json.JsonSerializer.SerializeToElement(new { id = n }));

    private async Task<(string A, string B)> TwoTenantsWithEventsAsync(int inA = 3, int inB = 2)
    {
        string a = "tn_a" + Guid.NewGuid().ToString("N")[..8], b = "tn_b" + Guid.NewGuid().ToString("N")[..8];
        var store = db.Appender;
        await store.AppendAsync(a, Enumerable.Range(1, inA).Select(n => Event(a, n)).ToList());
        await store.AppendAsync(b, Enumerable.Range(1, inB).Select(n => Event(b, n)).ToList());
        return (a, b);
    }

    private static async Task<long> CountAsync(TenantDb tenantDb, string sql)
    {
        await using var cmd = tenantDb.Command(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task an_unfiltered_count_in_a_tenant_db_counts_only_that_tenants_events()
    {
        var (a, b) = await TwoTenantsWithEventsAsync(inA: 3, inB: 2);

        await using (var inA = await TenantDb.BeginAsync(db.DataSource, a))
        {
            Assert.Equal(3, await CountAsync(inA, "select count(*) from mt_events"));
            Assert.Equal(3, await CountAsync(inA, "select count(*) from mt_streams"));
        }
        await using (var inB = await TenantDb.BeginAsync(db.DataSource, b))
            Assert.Equal(2, await CountAsync(inB, "select count(*) from mt_events"));
        Assert.True(await db.ScalarAsync("select count(*) from mt_events") >= 5); // the owner still sees everything
    }

    [Fact]
    public async Task with_no_tenant_set_the_tenant_role_sees_no_rows_even_on_a_connection_that_had_one()
    {
        var (a, _) = await TwoTenantsWithEventsAsync(inA: 3);
        await using var conn = await db.DataSource.OpenConnectionAsync();

        await using (var tx = await conn.BeginTransactionAsync())
        {
            await ExecAsync(conn, tx, "select set_config('growhalo.tenant_id', $1, true)", a);
            await ExecAsync(conn, tx, "set local role growhalo_tenant");
            Assert.Equal(3L, await ExecAsync(conn, tx, "select count(*) from mt_events"));
            await tx.CommitAsync();
        }
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await ExecAsync(conn, tx, "set local role growhalo_tenant");
            Assert.Equal(0L, await ExecAsync(conn, tx, "select count(*) from mt_events"));
            Assert.Equal(0L, await ExecAsync(conn, tx, "select count(*) from tenants"));
        }
    }

    private static async Task<object?> ExecAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        return await cmd.ExecuteScalarAsync();
    }

    [Fact]
    public async Task a_tenant_db_cannot_write_rows_of_another_tenant()
    {
        var (a, b) = await TwoTenantsWithEventsAsync(inA: 3, inB: 2);

        await using (var inA = await TenantDb.BeginAsync(db.DataSource, a))
        {
            await using var update = inA.Command("update mt_events set type = 'tampered'"); // no where clause
            Assert.Equal(3, await update.ExecuteNonQueryAsync());
        }
        await using (var inA = await TenantDb.BeginAsync(db.DataSource, a))
        {
            await using var insert = inA.Command("insert into mt_streams (tenant_id, id) values ($1, 'shopify:order:999')", b);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        Assert.Equal(0, await db.ScalarAsync("select count(*) from mt_events where type = 'tampered'")); // rolled back
        Assert.Equal(2, await db.ScalarAsync("select count(*) from mt_events where tenant_id = $1", b));
    }

    [Fact]
    public async Task the_event_store_appends_through_a_tenant_db_for_its_own_tenant_only()
    {
        var (a, b) = await TwoTenantsWithEventsAsync(inA: 1, inB: 1);

        await using (var inA = await TenantDb.BeginAsync(db.DataSource, a))
        {
            var result = await db.Appender.AppendAsync(inA.Transaction, a, [Event(a, 50)]);
            Assert.Equal(1, result.Appended);
            await inA.CommitAsync();
        }
        await using (var inA = await TenantDb.BeginAsync(db.DataSource, a))
            await Assert.ThrowsAsync<PostgresException>(() => db.Appender.AppendAsync(inA.Transaction, b, [Event(b, 50)]));

        Assert.Equal(2, await db.ScalarAsync("select count(*) from mt_events where tenant_id = $1", a));
        Assert.Equal(1, await db.ScalarAsync("select count(*) from mt_events where tenant_id = $1", b));
    }

    [Fact]
    public async Task a_pooled_connection_is_back_to_the_owner_after_a_tenant_db()
    {
        var (a, _) = await TwoTenantsWithEventsAsync();
        await using var single = new NpgsqlDataSourceBuilder(db.ConnectionString) { ConnectionStringBuilder = { MaxPoolSize = 1 } }.Build();
        await using (var inA = await TenantDb.BeginAsync(single, a))
            Assert.Equal(3, await CountAsync(inA, "select count(*) from mt_events"));

        await using var cmd = single.CreateCommand("select current_user <> 'growhalo_tenant', coalesce(current_setting('growhalo.tenant_id', true), '')");
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.True(r.GetBoolean(0));
        Assert.Equal("", r.GetString(1));
    }

    [Fact]
    public async Task every_table_with_a_tenant_column_has_row_level_security()
    {
        // A module's migration that adds a tenant-owned table must call growhalo_enable_tenant_rls for it.
        var unprotected = new List<string>();
        await using var cmd = db.DataSource.CreateCommand("""
            select c.relname
            from pg_class c
            join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
            where c.relkind in ('r', 'p')
              and (exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
                   or c.relname = 'tenants')
              and not (c.relrowsecurity and exists (select 1 from pg_policies p where p.tablename = c.relname and p.policyname = 'tenant_isolation')
                       and has_table_privilege('growhalo_tenant', c.oid, 'select'))
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) unprotected.Add(r.GetString(0));
        Assert.True(unprotected.Count == 0,
            $"Tables without tenant isolation: {string.Join(", ", unprotected)}. Add `select growhalo_enable_tenant_rls('<table>');` to the migration that creates each.");
    }
}

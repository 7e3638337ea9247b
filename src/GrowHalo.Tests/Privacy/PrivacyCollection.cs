using Npgsql;

namespace GrowHalo.Tests.Privacy;

/// <summary>The privacy tests share one host and database; each test makes its own tenants and shops.</summary>
[CollectionDefinition(Name)]
public sealed class PrivacyCollection : ICollectionFixture<PrivacyApp>
{
    public const string Name = "privacy";
}

/// <summary>Looks through the whole database, every table of every schema, for text.</summary>
public static class DatabaseSearch
{
    /// <summary>
    /// The tables (schema.table) where any row holds any of <paramref name="needles"/> anywhere: a row's text form
    /// (<c>t::text</c>) holds every column, text, arrays, json and jsonb alike (mt_events bodies included).
    /// </summary>
    public static async Task<IReadOnlyList<string>> WhereAsync(NpgsqlDataSource db, params string[] needles)
    {
        var tables = new List<string>();
        await using (var cmd = db.CreateCommand("""
            select format('%I.%I', table_schema, table_name) from information_schema.tables
            where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema', 'pg_toast')
            order by 1
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) tables.Add(r.GetString(0));
        Assert.Contains("public.mt_events", tables);
        var patterns = needles.Select(n => "%" + n + "%").ToArray();
        var found = new List<string>();
        foreach (var table in tables)
        {
            await using var cmd = db.CreateCommand($"select count(*) from {table} t where t::text ilike any($1)");
            cmd.Parameters.Add(new() { Value = patterns });
            if ((long)(await cmd.ExecuteScalarAsync())! > 0) found.Add(table);
        }
        return found;
    }

    /// <summary>Every table (schema.table) with a tenant_id column, and how many rows of <paramref name="tenantId"/> each holds.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> TenantRowsAsync(NpgsqlDataSource db, string tenantId)
    {
        var tables = new List<string>();
        await using (var cmd = db.CreateCommand("""
            select format('%I.%I', t.table_schema, t.table_name) from information_schema.tables t
            join information_schema.columns c on (c.table_schema, c.table_name, c.column_name) = (t.table_schema, t.table_name, 'tenant_id')
            where t.table_type = 'BASE TABLE' and t.table_schema not in ('pg_catalog', 'information_schema')
            order by 1
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) tables.Add(r.GetString(0));
        var rows = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var cmd = db.CreateCommand($"select count(*) from {table} where tenant_id::text = $1");
            cmd.Parameters.Add(new() { Value = tenantId });
            rows[table] = (long)(await cmd.ExecuteScalarAsync())!;
        }
        return rows;
    }
}

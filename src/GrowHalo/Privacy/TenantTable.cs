using Npgsql;

namespace GrowHalo.Privacy;

/// <summary>A table that holds tenants' rows (it has a <c>tenant_id</c> column), and whether it keys rows by customer.</summary>
public sealed record TenantTable(string Schema, string Name, bool HasCustomerKey)
{
    /// <summary>The quoted, schema-qualified name, for SQL (names come from the catalog, never from a request).</summary>
    public string Sql => $"{Quote(Schema)}.{Quote(Name)}";

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    /// <summary>
    /// Every table with a <c>tenant_id</c> column, found in the catalog rather than listed: a table another part adds
    /// later (users, memberships, sync runs) is covered by shop/redact and the export without a change here.
    /// </summary>
    public static async Task<IReadOnlyList<TenantTable>> DiscoverAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select t.table_schema, t.table_name,
                   exists (select 1 from information_schema.columns k
                           where k.table_schema = t.table_schema and k.table_name = t.table_name and k.column_name = 'customer_key')
            from information_schema.tables t
            join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'tenant_id'
            where t.table_type = 'BASE TABLE' and t.table_schema not in ('pg_catalog', 'information_schema', 'pg_toast')
            order by t.table_schema, t.table_name
            """, conn, tx);
        var tables = new List<TenantTable>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) tables.Add(new TenantTable(r.GetString(0), r.GetString(1), r.GetBoolean(2)));
        return tables;
    }
}

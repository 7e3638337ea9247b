using Npgsql;

namespace GrowHalo.Privacy;

/// <summary>
/// shop/redact (Shopify sends it 48 hours after the app is uninstalled): every row of the tenant is deleted, in one
/// transaction — its events and streams (Marten's mt_* tables, conjoined tenancy), every read model, connections and
/// cursors, keys, members and sessions, segments and scores: every table with a <c>tenant_id</c> column, found in the
/// catalog (<see cref="TenantTable"/>), then the tenant itself. What stays is the privacy_requests rows, with their
/// personal fields cleared: the record that it was done.
/// </summary>
public static class ShopRedaction
{
    public static async Task<long> RunAsync(NpgsqlConnection conn, NpgsqlTransaction tx, PrivacyRequestRow request, CancellationToken ct)
    {
        // Marten's registry of where tenants live (schema "tenancy") is left to Marten: the worker removes the tenant from it.
        var tables = (await TenantTable.DiscoverAsync(conn, tx, ct))
            .Where(t => !(t.Schema == "public" && t.Name == "privacy_requests") && t.Schema != Platform.Events.MartenSetup.TenancySchema).ToList();
        var deleted = await DeleteRowsAsync(conn, tx, request.TenantId, tables, ct);
        // Its request-rate bucket, keyed by name rather than by a tenant_id column (see SharedTokenBuckets).
        await CustomerRedaction.Exec(conn, tx, ct, "delete from rate_limit_buckets where partition = 'tenant:' || $1", request.TenantId);
        await CustomerRedaction.Exec(conn, tx, ct, "delete from tenants where id = $1", request.TenantId);
        await CustomerRedaction.Exec(conn, tx, ct, """
            update privacy_requests set email = null, phone = null, shopify_customer_id = null, order_ids = '{}', export = null
            where tenant_id = $1
            """, request.TenantId);
        return deleted;
    }

    /// <summary>
    /// Deletes a tenant's rows from <paramref name="tables"/> (each with a tenant_id column) and the rows without one
    /// that hang off them (a connection's poll cursors), in the caller's transaction; how many rows went.
    /// </summary>
    public static async Task<long> DeleteRowsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string tenantId, IReadOnlyList<TenantTable> tables,
        CancellationToken ct)
    {
        var steps = tables.Select(t => $"delete from {t.Sql} where tenant_id = $1").ToList();
        // Rows without a tenant_id of their own that hang off a tenant's rows (a connection's poll cursors) go with them.
        steps.InsertRange(0, await DependentsAsync(conn, tx, tables, ct));
        long deleted = 0;
        // A table another references (without on delete cascade) refuses until the referencing one is empty: go round
        // until every step is done, each attempt at a savepoint; a round that gets no further is a real failure.
        while (steps.Count > 0)
        {
            var refused = new List<string>();
            PostgresException? last = null;
            foreach (var sql in steps)
            {
                await tx.SaveAsync("shop_redact", ct);
                try
                {
                    await using var cmd = new NpgsqlCommand(sql, conn, tx) { Parameters = { new() { Value = tenantId } } };
                    deleted += await cmd.ExecuteNonQueryAsync(ct);
                    await tx.ReleaseAsync("shop_redact", ct);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
                {
                    await tx.RollbackAsync("shop_redact", ct);
                    refused.Add(sql);
                    last = e;
                }
            }
            if (refused.Count == steps.Count) throw last!;
            steps = refused;
        }
        return deleted;
    }

    /// <summary>
    /// A delete for each foreign key from a table without a tenant_id to a tenant's table (or to tenants itself), never
    /// for a child that has a tenant_id of its own (a table the caller left out stays whole):
    /// <c>delete from child where (its key) in (select (referenced columns) from parent where tenant_id = $1)</c>.
    /// </summary>
    private static async Task<List<string>> DependentsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<TenantTable> tables, CancellationToken ct)
    {
        var tenantTables = tables.Select(t => t.Sql).ToHashSet(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand("""
            select cn.nspname::text, c.relname::text, pn.nspname::text, p.relname::text,
                   (select string_agg(quote_ident(a.attname), ', ' order by k.o) from unnest(con.conkey) with ordinality k(n, o)
                    join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n),
                   (select string_agg(quote_ident(a.attname), ', ' order by k.o) from unnest(con.confkey) with ordinality k(n, o)
                    join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n)
            from pg_constraint con
            join pg_class c on c.oid = con.conrelid join pg_namespace cn on cn.oid = c.relnamespace
            join pg_class p on p.oid = con.confrelid join pg_namespace pn on pn.oid = p.relnamespace
            where con.contype = 'f' and con.confdeltype <> 'c'
              -- a child with a tenant_id of its own is a tenant table: deleted by its own step, or deliberately kept
              and not exists (select 1 from pg_attribute a where a.attrelid = con.conrelid and a.attname = 'tenant_id' and not a.attisdropped)
            """, conn, tx);
        var steps = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var child = new TenantTable(r.GetString(0), r.GetString(1), false).Sql;
            var parent = new TenantTable(r.GetString(2), r.GetString(3), false).Sql;
            var (childColumns, parentColumns) = (r.GetString(4), r.GetString(5));
            if (tenantTables.Contains(child)) continue;
            var filter = tenantTables.Contains(parent) ? "tenant_id = $1" : parent == "\"public\".\"tenants\"" ? "id = $1" : null;
            if (filter is not null) steps.Add($"delete from {child} where ({childColumns}) in (select {parentColumns} from {parent} where {filter})");
        }
        return steps;
    }
}

using GrowHalo.Platform.Events;
using GrowHalo.Platform.Events.Projections;
using GrowHalo.Privacy;
using Marten;
using Npgsql;

namespace GrowHalo.Platform.Tenancy;

/// <summary>What a move did: where from and to, and how many rows of each table went with the tenant.</summary>
public sealed record TenantMoved(string TenantId, string From, string To, IReadOnlyDictionary<string, long> Rows);

/// <summary>
/// <c>growhalo tenants move</c>: moves a tenant's data from its data database to another, with the servers stopped.
/// <list type="number">
/// <item>The target gets the tenant's row. Then, in one transaction, it gets a copy of every row of the tenant's
/// tables (with the rows without a tenant id that hang off them, a connection's poll cursors) and its events in their
/// order, numbered anew in the target's log. Anything an interrupted move left there is removed first.</item>
/// <item>Marten's pool places the tenant on the target.</item>
/// <item>The tenant's read models there are reset; the target's daemon projects the copied events when the servers
/// start, as new events of that database.</item>
/// <item>The source's rows of the tenant are deleted, in one transaction. The master keeps what spans tenants (the
/// tenant's row, keys, members, sessions).</item>
/// </list>
/// A move interrupted before step 2 leaves the tenant where it was; after it, on the target, with leftovers in the
/// source that running the move again (to the same target) deletes.
/// </summary>
public sealed class TenantMove(TenantDatabases databases, TenantStore tenants, IDocumentStore store,
    ProjectionRebuilder rebuilder, ILogger<TenantMove> logger)
{
    /// <summary>
    /// Tables whose rows of a tenant only the master holds (what spans tenants, or the store from before Marten, whose
    /// events were copied into Marten's once): never copied, never deleted by a move.
    /// </summary>
    public static readonly IReadOnlySet<string> MasterTables = new HashSet<string>(StringComparer.Ordinal)
    {
        "tenants", "api_keys", "memberships", "member_invites", "user_sessions", "dashboard_sessions", "shopify_oauth_states",
        "simulator_worlds", "login_attempts", "events", "streams", "projection_progress",
    };

    /// <exception cref="ArgumentException">no such tenant or database, or servers are running; nothing is changed</exception>
    public async Task<TenantMoved> MoveAsync(string tenantIdOrSlug, string to, CancellationToken ct)
    {
        var tenant = await tenants.FindAsync(tenantIdOrSlug, ct)
            ?? throw new ArgumentException($"No tenant '{tenantIdOrSlug}'. See `growhalo tenants list`.");
        var all = await databases.ListAsync(ct);
        var target = all.FirstOrDefault(d => d.Id == to)
            ?? throw new ArgumentException($"There is no database '{to}'. Databases: {string.Join(", ", all.Select(d => d.Id))} (see `growhalo databases list`).");
        var from = await databases.DatabaseIdOfAsync(tenant.Id, ct);
        await RefuseWhileServersRunAsync(ct);
        if (from == to)
        {
            // Already there: what an interrupted earlier move left elsewhere goes.
            foreach (var other in all.Where(d => d.Id != to)) await DeleteAsync(other, tenant.Id, ct);
            return new TenantMoved(tenant.Id, from, to, new Dictionary<string, long>());
        }
        var source = all.Single(d => d.Id == from);

        if (!IsMaster(target)) await TenantPlacement.MirrorAsync(target.DataSource, tenant, ct);
        var rows = await CopyAsync(source.DataSource, target.DataSource, tenant.Id, ct);
        await store.Advanced.AddTenantToShardAsync(tenant.Id, to, ct);
        // A tenant's rebuild replays up to where each projection stands, which the copies are past: it resets the
        // copied read models, and the daemon then projects the copied events once.
        await rebuilder.RebuildAsync(null, tenant.Id, null, ct);
        await DeleteAsync(source, tenant.Id, ct);
        logger.LogInformation("Tenant {TenantId} moved from database {From} to {To}: {Events} events, {Rows} rows", tenant.Id, from, to,
            rows.GetValueOrDefault("mt_events"), rows.Values.Sum());
        return new TenantMoved(tenant.Id, from, to, rows);
    }

    private bool IsMaster(DataDatabase database) => ReferenceEquals(database.DataSource, databases.Master);

    /// <summary>A move copies rows a running server could be changing: every server on this deployment must be stopped.</summary>
    private async Task RefuseWhileServersRunAsync(CancellationToken ct)
    {
        await using var cmd = databases.Master.CreateCommand("""
            select string_agg(distinct application_name, ', ') from pg_stat_activity
            where datname = current_database() and application_name like 'growhalo:%' and application_name not like $1
            """);
        cmd.Parameters.Add(new() { Value = $"growhalo:{Environment.ProcessId}@%" });
        if (await cmd.ExecuteScalarAsync(ct) is string running)
            throw new ArgumentException($"GrowHalo servers are connected ({running}): stop every server before moving a tenant, then start them again.");
    }

    private static async Task<Dictionary<string, long>> CopyAsync(NpgsqlDataSource source, NpgsqlDataSource target, string tenantId, CancellationToken ct)
    {
        await using var from = await source.OpenConnectionAsync(ct);
        await using var to = await target.OpenConnectionAsync(ct);
        await using var tx = await to.BeginTransactionAsync(ct);
        await ShopRedaction.DeleteRowsAsync(to, tx, tenantId, await TablesAsync(to, tx, ct), ct);

        var literal = await LiteralAsync(from, tenantId, ct);
        var tables = await TablesAsync(from, null, ct);
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        // Referenced tables first (a connection before its sync runs), streams before their events.
        foreach (var table in tables.OrderBy(t => t.Name switch { "ingest_connections" => 0, "mt_streams" => 1, "mt_events" => 2, _ => 3 }))
        {
            var columns = await ColumnsAsync(from, table, ct);
            rows[table.Name] = table.Name == "mt_events"
                ? await CopyEventsAsync(from, to, table, columns, literal, ct)
                : await CopyRowsAsync(from, to, table.Sql, columns, $"tenant_id = {literal}", ct);
        }
        // A connection's poll cursors: keyed by the connection, with no tenant id of their own.
        var cursors = new TenantTable("public", "polling_cursors", false);
        rows["polling_cursors"] = await CopyRowsAsync(from, to, cursors.Sql, await ColumnsAsync(from, cursors, ct),
            $"connection_id in (select id from ingest_connections where tenant_id = {literal})", ct);
        await tx.CommitAsync(ct);
        return rows;
    }

    /// <summary>Copies the rows <paramref name="where"/> selects from <paramref name="source"/> (default: the same table) into <paramref name="table"/>.</summary>
    private static async Task<long> CopyRowsAsync(NpgsqlConnection from, NpgsqlConnection to, string table, IReadOnlyList<string> columns,
        string where, CancellationToken ct, string? source = null)
    {
        var list = string.Join(", ", columns.Select(Quote));
        await using (var reader = await from.BeginRawBinaryCopyAsync($"copy (select {list} from {source ?? table} where {where}) to stdout (format binary)", ct))
        await using (var writer = await to.BeginRawBinaryCopyAsync($"copy {table} ({list}) from stdin (format binary)", ct))
            await reader.CopyToAsync(writer, ct);
        await using var count = new NpgsqlCommand($"select count(*) from {table} where {where}", to);
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// The tenant's events, numbered anew in the target's log in their order (a block of its sequence taken at once):
    /// the target's daemon projects them as new events.
    /// </summary>
    private static async Task<long> CopyEventsAsync(NpgsqlConnection from, NpgsqlConnection to, TenantTable events, IReadOnlyList<string> columns,
        string literal, CancellationToken ct)
    {
        await Exec(to, $"create temp table moving_events (like {events.Sql}) on commit drop", ct);
        var copied = await CopyRowsAsync(from, to, "moving_events", columns, $"tenant_id = {literal}", ct, source: events.Sql);
        if (copied == 0) return 0;
        await using var take = new NpgsqlCommand("select nextval('mt_events_sequence')", to);
        var first = (long)(await take.ExecuteScalarAsync(ct))!;
        await Exec(to, $"select setval('mt_events_sequence', {first + copied - 1})", ct);
        var others = string.Join(", ", columns.Where(c => c != "seq_id").Select(Quote));
        await Exec(to, $"insert into {events.Sql} ({others}, seq_id) select {others}, {first - 1} + row_number() over (order by seq_id) from moving_events", ct);
        return copied;
    }

    private static async Task Exec(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Quote(string column) => "\"" + column.Replace("\"", "\"\"") + "\"";

    /// <summary>The tenant's rows in a database other than where it lives now, in one transaction.</summary>
    private async Task DeleteAsync(DataDatabase database, string tenantId, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await ShopRedaction.DeleteRowsAsync(conn, tx, tenantId, await TablesAsync(conn, tx, ct), ct);
        if (!IsMaster(database))
        {
            await using var row = new NpgsqlCommand("delete from tenants where id = $1", conn, tx) { Parameters = { new() { Value = tenantId } } };
            await row.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>The tables a move carries: GrowHalo's and Marten's event tables with a tenant_id column, the master's own aside.</summary>
    private static async Task<IReadOnlyList<TenantTable>> TablesAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken ct) =>
        [.. (await TenantTable.DiscoverAsync(conn, tx, ct)).Where(t => t.Schema == "public" && !MasterTables.Contains(t.Name))];

    private static async Task<List<string>> ColumnsAsync(NpgsqlConnection conn, TenantTable table, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select column_name::text from information_schema.columns
            where table_schema = $1 and table_name = $2 and is_generated = 'NEVER'
            order by ordinal_position
            """, conn) { Parameters = { new() { Value = table.Schema }, new() { Value = table.Name } } };
        var columns = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) columns.Add(r.GetString(0));
        return columns;
    }

    /// <summary>The tenant id as an SQL literal (COPY takes no parameters), quoted by PostgreSQL itself.</summary>
    private static async Task<string> LiteralAsync(NpgsqlConnection conn, string tenantId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select quote_literal($1)", conn) { Parameters = { new() { Value = tenantId } } };
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }
}

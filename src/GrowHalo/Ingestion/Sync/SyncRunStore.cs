using GrowHalo.Platform.Tenancy;
using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.Ingestion.Sync;

/// <summary>
/// <c>sync_runs</c>: what a tenant asks for and reads (in its <see cref="TenantDb"/>), and what <see cref="SyncRunService"/>
/// claims and reports (as the owner, across tenants). One run at a time per connection (per tenant for re-projections)
/// is the unique index on lock_key over queued and running rows: a second request finds the first.
/// </summary>
public sealed class SyncRunStore(TenantDatabases databases, TimeProvider clock)
{
    private const string Columns = """
        id, connection_id, kind, full_sync, state, step, records_fetched, records_stored, total, percent, cancel_requested,
        requested_at, started_at, finished_at, error
        """;

    /// <summary>
    /// Queues a run, or finds the one already queued or running for the same connection (Created is then false). A
    /// re-projection joins only a queued one: one that started replays the settings it read (see <see cref="ClaimAsync"/>).
    /// </summary>
    public async Task<(SyncRun Run, bool Created)> QueueAsync(TenantDb db, string? connectionId, string kind, bool full, CancellationToken ct)
    {
        var lockKey = kind == SyncKinds.Reproject ? $"reproject:{db.TenantId}" : $"connection:{connectionId}";
        await using (var insert = db.Command($"""
            insert into sync_runs (id, tenant_id, connection_id, kind, full_sync, state, requested_at, lock_key)
            values ($1, $2, $3, $4, $5, 'queued', $6, $7)
            on conflict (lock_key) where state in ('queued', 'running') do nothing
            returning {Columns}
            """, Guid.CreateVersion7(clock.GetUtcNow()), db.TenantId, connectionId, kind, full, clock.GetUtcNow(), lockKey))
        {
            if (await ReadOneAsync(insert, ct) is { } created) return (created, true);
        }
        await using var existing = db.Command($"select {Columns} from sync_runs where lock_key = $1 and tenant_id = $2 and state in ('queued', 'running')",
            lockKey, db.TenantId);
        return (await ReadOneAsync(existing, ct) ?? throw new InvalidOperationException($"No active run for {lockKey} after a conflict."), false);
    }

    public async Task<SyncRun?> FindAsync(TenantDb db, Guid id, CancellationToken ct)
    {
        await using var cmd = db.Command($"select {Columns} from sync_runs where id = $1 and tenant_id = $2", id, db.TenantId);
        return await ReadOneAsync(cmd, ct);
    }

    /// <summary>The tenant's runs, newest first: all (up to <paramref name="limit"/>) or only the queued and running ones.</summary>
    public async Task<IReadOnlyList<SyncRun>> ListAsync(TenantDb db, bool activeOnly, int limit, CancellationToken ct)
    {
        await using var cmd = db.Command($"""
            select {Columns} from sync_runs
            where tenant_id = $1 and (not $2 or state in ('queued', 'running'))
            order by requested_at desc, id desc limit $3
            """, db.TenantId, activeOnly, limit);
        return await ReadAllAsync(cmd, ct);
    }

    /// <summary>The newest run of each of the tenant's connections.</summary>
    public async Task<IReadOnlyDictionary<string, SyncRun>> LatestByConnectionAsync(TenantDb db, CancellationToken ct)
    {
        await using var cmd = db.Command($"""
            select distinct on (connection_id) {Columns} from sync_runs
            where tenant_id = $1 and connection_id is not null
            order by connection_id, requested_at desc, id desc
            """, db.TenantId);
        return (await ReadAllAsync(cmd, ct)).ToDictionary(r => r.ConnectionId!);
    }

    /// <summary>A queued run is cancelled at once; a running one is asked to stop at its next page boundary.</summary>
    public async Task<SyncRun?> RequestCancelAsync(TenantDb db, Guid id, CancellationToken ct)
    {
        await using var cmd = db.Command($"""
            update sync_runs set
                state = case when state = 'queued' then 'cancelled' else state end,
                finished_at = case when state = 'queued' then $3 else finished_at end,
                step = case when state = 'queued' then 'cancelled before it started' else step end,
                cancel_requested = true
            where id = $1 and tenant_id = $2 and state in ('queued', 'running')
            returning {Columns}
            """, id, db.TenantId, clock.GetUtcNow());
        return await ReadOneAsync(cmd, ct);
    }

    /// <summary>
    /// Takes the oldest queued run, or a running one whose node stopped reporting for <paramref name="lease"/> (it died):
    /// the run is this node's until it finishes. Returns the run and its tenant.
    /// </summary>
    public async Task<(string TenantId, SyncRun Run)?> ClaimAsync(TimeSpan lease, CancellationToken ct)
    {
        foreach (var dataSource in await databases.AllAsync(ct))
            if (await ClaimAsync(dataSource, lease, ct) is { } claimed) return claimed;
        return null;
    }

    private async Task<(string TenantId, SyncRun Run)?> ClaimAsync(NpgsqlDataSource dataSource, TimeSpan lease, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var cmd = dataSource.CreateCommand($"""
            update sync_runs r set state = 'running', started_at = coalesce(r.started_at, $1), heartbeat_at = $1,
                -- A re-projection that started has read the settings: a change from now on needs a run of its own.
                lock_key = case when r.kind = 'reproject' and r.state = 'queued' then r.lock_key || ':' || r.id else r.lock_key end
            from (select id from sync_runs
                  where state = 'queued' or (state = 'running' and heartbeat_at < $2)
                  order by requested_at limit 1
                  for update skip locked) next
            where r.id = next.id
            returning r.tenant_id, {string.Join(", ", Columns.Split(',').Select(c => "r." + c.Trim()))}
            """);
        cmd.Parameters.Add(new() { Value = now });
        cmd.Parameters.Add(new() { Value = now - lease });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (reader.GetString(0), Read(reader, 1));
    }

    /// <summary>Writes a running run's progress (and that its node is alive); answers whether it was asked to stop.</summary>
    public async Task<bool> ReportAsync(string tenantId, Guid id, SyncSnapshot s, CancellationToken ct)
    {
        await using var cmd = (await databases.ForTenantAsync(tenantId, ct)).CreateCommand("""
            update sync_runs set step = $2, records_fetched = $3, records_stored = $4, total = $5, percent = $6, heartbeat_at = $7
            where id = $1 and state = 'running'
            returning cancel_requested
            """);
        cmd.Parameters.Add(new() { Value = id });
        cmd.Parameters.Add(new() { Value = (object?)s.Step ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = s.Fetched });
        cmd.Parameters.Add(new() { Value = s.Stored });
        cmd.Parameters.Add(new() { Value = (object?)s.Total ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = (object?)s.Percent ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Numeric });
        cmd.Parameters.Add(new() { Value = clock.GetUtcNow() });
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    public async Task<bool> CancelRequestedAsync(string tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = (await databases.ForTenantAsync(tenantId, ct)).CreateCommand("select cancel_requested from sync_runs where id = $1");
        cmd.Parameters.Add(new() { Value = id });
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>Ends a running run: completed, failed (with the error) or cancelled, with its last progress.</summary>
    public async Task FinishAsync(string tenantId, Guid id, string state, SyncSnapshot s, string? error, CancellationToken ct)
    {
        await ReportAsync(tenantId, id, s, ct);
        await using var cmd = (await databases.ForTenantAsync(tenantId, ct)).CreateCommand("""
            update sync_runs set state = $2, error = $3, finished_at = $4 where id = $1 and state = 'running'
            """);
        cmd.Parameters.Add(new() { Value = id });
        cmd.Parameters.Add(new() { Value = state });
        cmd.Parameters.Add(new() { Value = (object?)(error is { Length: > 1000 } ? error[..1000] : error) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = clock.GetUtcNow() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Whether the tenant's read models are being re-projected right now (answers say so meanwhile).</summary>
    public async Task<bool> ReprojectingAsync(string tenantId, CancellationToken ct)
    {
        await using var cmd = (await databases.ForTenantAsync(tenantId, ct)).CreateCommand(
            "select exists (select 1 from sync_runs where tenant_id = $1 and kind = 'reproject' and state in ('queued', 'running'))");
        cmd.Parameters.Add(new() { Value = tenantId });
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    public async Task<bool> HasEventsAsync(string tenantId, CancellationToken ct)
    {
        await using var cmd = (await databases.ForTenantAsync(tenantId, ct)).CreateCommand("select exists (select 1 from mt_events where tenant_id = $1)");
        cmd.Parameters.Add(new() { Value = tenantId });
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    private static async Task<SyncRun?> ReadOneAsync(NpgsqlCommand cmd, CancellationToken ct) => (await ReadAllAsync(cmd, ct)).FirstOrDefault();

    private static async Task<IReadOnlyList<SyncRun>> ReadAllAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var runs = new List<SyncRun>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) runs.Add(Read(reader, 0));
        return runs;
    }

    private static SyncRun Read(NpgsqlDataReader r, int o) => new(
        r.GetGuid(o), r.IsDBNull(o + 1) ? null : r.GetString(o + 1), r.GetString(o + 2), r.GetBoolean(o + 3), r.GetString(o + 4),
        r.IsDBNull(o + 5) ? null : r.GetString(o + 5), r.GetInt64(o + 6), r.GetInt64(o + 7), r.IsDBNull(o + 8) ? null : r.GetInt64(o + 8),
        r.IsDBNull(o + 9) ? null : r.GetDecimal(o + 9), r.GetBoolean(o + 10), Time(r, o + 11)!.Value, Time(r, o + 12), Time(r, o + 13),
        r.IsDBNull(o + 14) ? null : r.GetString(o + 14));

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : new DateTimeOffset(r.GetDateTime(i), TimeSpan.Zero);
}

/// <summary>A running run's progress at one moment.</summary>
public sealed record SyncSnapshot(string? Step, long Fetched, long Stored, long? Total, decimal? Percent);

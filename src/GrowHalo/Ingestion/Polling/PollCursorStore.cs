using System.Text.Json.Nodes;
using GrowHalo.Platform.Events;
using GrowHalo.Platform.Tenancy;
using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.Ingestion.Polling;

/// <summary>
/// The poller's side of <c>polling_cursors</c>. A page's events, its duplicate count and the cursor that moves past
/// it commit in one transaction: a pass stopped at any point resumes after the last committed page, with no gap
/// and nothing counted twice (a page fetched again is all duplicates).
/// </summary>
public sealed class PollCursorStore(TenantDatabases databases, EventAppender appender, TimeProvider time)
{
    public async Task<JsonObject> LoadAsync(string tenantId, string connectionId, CancellationToken ct)
    {
        await using var cmd = (await databases.ForTenantAsync(tenantId, ct)).CreateCommand("select cursor::text from polling_cursors where connection_id = $1");
        cmd.Parameters.Add(new() { Value = connectionId });
        return await cmd.ExecuteScalarAsync(ct) is string json ? JsonNode.Parse(json) as JsonObject ?? [] : [];
    }

    /// <summary>Appends a page's events and moves the cursor, together. Returns (appended, duplicates).</summary>
    public async Task<(int Appended, int Duplicates)> CommitPageAsync(PollTarget target, IReadOnlyList<NewEvent> events,
        int rejectedRecords, IReadOnlyList<Rejection> rejections, JsonObject cursor, CancellationToken ct)
    {
        await using var conn = await (await databases.ForTenantAsync(target.TenantId, ct)).OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var result = await appender.AppendAsync(tx, target.TenantId, events, ct: ct);
        await using (var cmd = new NpgsqlCommand("""
            insert into polling_cursors (connection_id, cursor) values ($1, $2)
            on conflict (connection_id) do update set cursor = excluded.cursor
            """, conn, tx))
        {
            cmd.Parameters.Add(new() { Value = target.ConnectionId });
            cmd.Parameters.Add(new() { Value = cursor.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await IngestLedger.RecordAsync(tx, target.TenantId, target.ConnectionId, result.Duplicates, rejectedRecords, rejections, time.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        return (result.Appended, result.Duplicates);
    }

    /// <summary>
    /// Before a sync run's pass: the cursor row exists (emptied for a full re-fetch) and is leased like a claimed pass,
    /// so the polling service leaves the connection alone while the run reads it.
    /// </summary>
    public async Task PrepareRunAsync(string tenantId, string connectionId, bool full, TimeSpan lease, CancellationToken ct)
    {
        await using var cmd = (await databases.ForTenantAsync(tenantId, ct)).CreateCommand("""
            insert into polling_cursors (connection_id, next_attempt_at) values ($1, $3)
            on conflict (connection_id) do update set next_attempt_at = excluded.next_attempt_at,
                claimed_by = (select nullif(application_name, '') from pg_stat_activity where pid = pg_backend_pid()),
                cursor = case when $2 then '{}'::jsonb else polling_cursors.cursor end
            """);
        cmd.Parameters.Add(new() { Value = connectionId });
        cmd.Parameters.Add(new() { Value = full });
        cmd.Parameters.Add(new() { Value = time.GetUtcNow() + lease });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Forgets where polling stands: the next pass reads the whole backfill window again (nothing is stored twice).</summary>
    public async Task ResetAsync(string tenantId, string connectionId, CancellationToken ct)
    {
        await using var cmd = (await databases.ForTenantAsync(tenantId, ct)).CreateCommand("""
            insert into polling_cursors (connection_id) values ($1)
            on conflict (connection_id) do update set cursor = '{}'::jsonb, next_attempt_at = null, claimed_by = null
            """);
        cmd.Parameters.Add(new() { Value = connectionId });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Places a connection's cursor, e.g. after history was loaded another way, so polling starts from there.</summary>
    public async Task PlaceAsync(string tenantId, string connectionId, JsonObject cursor, CancellationToken ct)
    {
        await using var cmd = (await databases.ForTenantAsync(tenantId, ct)).CreateCommand("""
            insert into polling_cursors (connection_id, cursor) values ($1, $2)
            on conflict (connection_id) do update set cursor = excluded.cursor
            """);
        cmd.Parameters.Add(new() { Value = connectionId });
        cmd.Parameters.Add(new() { Value = cursor.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The cursor of a connection whose records up to <paramref name="now"/> are already stored.</summary>
    public static JsonObject CaughtUp(string source, DateTimeOffset now, DateOnly today)
    {
        if (source != "shopify") return new JsonObject { ["synced_through"] = AdDayWindow.Text(today) };
        var stamp = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var cursor = new JsonObject();
        foreach (var resource in new[] { "products", "customers", "orders", "checkouts" }) cursor[resource] = new JsonObject { ["updated_at_min"] = stamp };
        return cursor;
    }

    public async Task RecordSuccessAsync(string tenantId, string connectionId, TimeSpan interval, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var cmd = (await databases.ForTenantAsync(tenantId, ct)).CreateCommand("""
            update polling_cursors set last_success_at = $2, error_count = 0, next_attempt_at = $3, claimed_by = null where connection_id = $1
            """);
        cmd.Parameters.Add(new() { Value = connectionId });
        cmd.Parameters.Add(new() { Value = now });
        cmd.Parameters.Add(new() { Value = now + interval });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A pass stopped on request: neither a success nor a failure; the next one comes after the usual interval.</summary>
    public async Task RecordStoppedAsync(string tenantId, string connectionId, TimeSpan interval, CancellationToken ct)
    {
        await using var cmd = (await databases.ForTenantAsync(tenantId, ct)).CreateCommand("update polling_cursors set next_attempt_at = $2, claimed_by = null where connection_id = $1");
        cmd.Parameters.Add(new() { Value = connectionId });
        cmd.Parameters.Add(new() { Value = time.GetUtcNow() + interval });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Counts the failure and schedules the next try after a backoff that doubles with each failure in a row.</summary>
    public async Task<DateTimeOffset> RecordFailureAsync(string tenantId, string connectionId, string error, PollingOptions options, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var cmd = (await databases.ForTenantAsync(tenantId, ct)).CreateCommand("""
            update polling_cursors set error_count = error_count + 1, last_error = $2, last_error_at = $3,
                next_attempt_at = $3 + least($4 * power(2, least(error_count, 20)), $5) * interval '1 second', claimed_by = null
            where connection_id = $1
            returning next_attempt_at
            """);
        cmd.Parameters.Add(new() { Value = connectionId });
        cmd.Parameters.Add(new() { Value = error.Length > 1000 ? error[..1000] : error });
        cmd.Parameters.Add(new() { Value = now });
        cmd.Parameters.Add(new() { Value = Math.Max(1, options.RetryDelay.TotalSeconds) * 30 });
        cmd.Parameters.Add(new() { Value = options.MaxBackoff.TotalSeconds });
        return await cmd.ExecuteScalarAsync(ct) is DateTime next ? new DateTimeOffset(next, TimeSpan.Zero) : now;
    }
}

using System.Text.Json;
using GrowHalo.Platform.Events.Projections;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Ingestion.Status;

public sealed record IngestStatus(
    IReadOnlyList<ConnectionStatus> Connections, UnattributedStatus Unattributed, IReadOnlyList<ProjectionLag> Projections,
    IReadOnlyList<RecentRejection> RecentRejections);

/// <summary>One connection: events received (as the ingest_activity projection has counted them), write-side counters, poller state.</summary>
public sealed record ConnectionStatus(
    string Id, string Source, string ExternalAccountId, string DisplayName, string Status, long EventsReceived, DateTimeOffset? LastEventAt,
    long Duplicates, long Rejections, CursorStatus? Cursor, string? LastError, DateTimeOffset? LastErrorAt);

/// <summary>The poller's cursor for a connection (<c>position</c> is the poller's own JSON).</summary>
public sealed record CursorStatus(JsonElement Position, DateTimeOffset? LastSuccessAt, int ErrorCount, DateTimeOffset? NextAttemptAt);

/// <summary>Records that came with an API key but no connection (batches and webhooks of custom senders).</summary>
public sealed record UnattributedStatus(long EventsReceived, DateTimeOffset? LastEventAt, long Duplicates, long Rejections);

public sealed record ProjectionLag(string Name, long LagEvents, double LagSeconds, long Failures);

public sealed record RecentRejection(Guid? BatchId, int? Index, string? ConnectionId, string? EventType, string Field, string Reason, DateTimeOffset At);

/// <summary>GET /api/v1/ingest/status (read): what arrived per connection, what was turned away, and how far behind the projections are.</summary>
public static class IngestStatusEndpoint
{
    [WolverineGet("/api/v1/ingest/status", OperationId = "IngestStatus"), RequireScope(Scopes.Read)]
    public static async Task<Ok<IngestStatus>> Get(RequestTenant tenant, TenantDatabases databases, ProjectionStatusQuery projections,
        CancellationToken ct)
    {
        var lag = (await projections.GetAsync(tenant.Id, ct)).Select(p => new ProjectionLag(p.Name, p.LagEvents, p.LagSeconds, p.Failures)).ToList();
        await using var tenantDb = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        return TypedResults.Ok(new IngestStatus(await ConnectionsAsync(tenantDb, ct), await UnattributedAsync(tenantDb, ct),
            lag, await RejectionsAsync(tenantDb, ct)));
    }

    private static async Task<List<ConnectionStatus>> ConnectionsAsync(TenantDb db, CancellationToken ct)
    {
        await using var cmd = db.Command("""
            select c.id, c.source, c.external_account_id, c.display_name, c.enabled,
                   coalesce(a.events, 0), a.last_event_at, coalesce(s.duplicates, 0), coalesce(s.rejections, 0),
                   p.connection_id is not null, p.cursor, p.last_success_at, coalesce(p.error_count, 0), p.next_attempt_at,
                   case when p.last_error_at is not null and (s.last_error_at is null or p.last_error_at > s.last_error_at)
                        then p.last_error else s.last_error end,
                   greatest(p.last_error_at, s.last_error_at)
            from ingest_connections c
            left join ingest_connection_activity a on a.tenant_id = c.tenant_id and a.connection_id = c.id
            left join ingest_connection_stats s on s.tenant_id = c.tenant_id and s.connection_id = c.id
            left join polling_cursors p on p.connection_id = c.id
            where c.tenant_id = $1
            order by c.created_at, c.id
            """, db.TenantId);
        var list = new List<ConnectionStatus>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var errorCount = r.GetInt32(12);
            var cursor = r.GetBoolean(9)
                ? new CursorStatus(Json(r.GetString(10)), Time(r, 11), errorCount, Time(r, 13))
                : null;
            var status = !r.GetBoolean(4) ? "disabled" : errorCount > 0 ? "failing" : "active";
            list.Add(new ConnectionStatus(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), status, r.GetInt64(5), Time(r, 6),
                r.GetInt64(7), r.GetInt64(8), cursor, r.IsDBNull(14) ? null : r.GetString(14), Time(r, 15)));
        }
        return list;
    }

    private static async Task<UnattributedStatus> UnattributedAsync(TenantDb db, CancellationToken ct)
    {
        await using var cmd = db.Command("""
            select (select events from ingest_connection_activity where tenant_id = $1 and connection_id = ''),
                   (select last_event_at from ingest_connection_activity where tenant_id = $1 and connection_id = ''),
                   (select duplicates from ingest_connection_stats where tenant_id = $1 and connection_id = ''),
                   (select rejections from ingest_connection_stats where tenant_id = $1 and connection_id = '')
            """, db.TenantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new UnattributedStatus(r.IsDBNull(0) ? 0 : r.GetInt64(0), Time(r, 1), r.IsDBNull(2) ? 0 : r.GetInt64(2), r.IsDBNull(3) ? 0 : r.GetInt64(3));
    }

    private static async Task<List<RecentRejection>> RejectionsAsync(TenantDb db, CancellationToken ct)
    {
        await using var cmd = db.Command("""
            select batch_id, event_index, connection_id, event_type, field, reason, at
            from ingest_rejections where tenant_id = $1 order by id desc limit 20
            """, db.TenantId);
        var list = new List<RecentRejection>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new RecentRejection(r.IsDBNull(0) ? null : r.GetGuid(0), r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? null : r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetString(5), r.GetFieldValue<DateTimeOffset>(6)));
        return list;
    }

    private static JsonElement Json(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
}

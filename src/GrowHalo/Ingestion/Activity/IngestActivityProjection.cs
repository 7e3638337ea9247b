using System.Text.Json;
using GrowHalo.EventStore;
using GrowHalo.EventStore.Projections;
using NpgsqlTypes;

namespace GrowHalo.Ingestion.Activity;

/// <summary>
/// Counts events per tenant, source (the stream id's prefix) and type, and per connection (the event metadata's
/// connection_id, '' when none), for ingest status.
/// </summary>
public sealed class IngestActivityProjection : IProjection
{
    public string Name => "ingest_activity";
    public IReadOnlyCollection<string>? EventTypes => null;
    public bool ReadsData => false; // counts need only tenant, stream, type, metadata and time

    public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct)
    {
        var groups = events.GroupBy(e => (e.TenantId, Source: e.StreamId.Split(':', 2)[0], e.Type))
            .Select(g => (g.Key, Count: (long)g.Count(), Last: g.Max(e => e.Timestamp))).ToList();
        await using (var cmd = context.Command("""
            insert into ingest_activity (tenant_id, source, event_type, events, last_event_at)
            select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[])
            on conflict (tenant_id, source, event_type) do update
               set events = ingest_activity.events + excluded.events,
                   last_event_at = greatest(ingest_activity.last_event_at, excluded.last_event_at)
            """))
        {
            cmd.Parameters.Add(new() { Value = groups.Select(g => g.Key.TenantId).ToArray() });
            cmd.Parameters.Add(new() { Value = groups.Select(g => g.Key.Source).ToArray() });
            cmd.Parameters.Add(new() { Value = groups.Select(g => g.Key.Type).ToArray() });
            cmd.Parameters.Add(new() { Value = groups.Select(g => g.Count).ToArray() });
            cmd.Parameters.Add(new() { Value = groups.Select(g => g.Last).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            await cmd.ExecuteNonQueryAsync(ct);
        }

        var perConnection = events.GroupBy(e => (e.TenantId, Connection: ConnectionOf(e)))
            .Select(g => (g.Key, Count: (long)g.Count(), Last: g.Max(e => e.Timestamp))).ToList();
        await using (var cmd = context.Command("""
            insert into ingest_connection_activity (tenant_id, connection_id, events, last_event_at)
            select * from unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[])
            on conflict (tenant_id, connection_id) do update
               set events = ingest_connection_activity.events + excluded.events,
                   last_event_at = greatest(ingest_connection_activity.last_event_at, excluded.last_event_at)
            """))
        {
            cmd.Parameters.Add(new() { Value = perConnection.Select(g => g.Key.TenantId).ToArray() });
            cmd.Parameters.Add(new() { Value = perConnection.Select(g => g.Key.Connection).ToArray() });
            cmd.Parameters.Add(new() { Value = perConnection.Select(g => g.Count).ToArray() });
            cmd.Parameters.Add(new() { Value = perConnection.Select(g => g.Last).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task ResetAsync(ProjectionContext context, string? tenantId, CancellationToken ct)
    {
        foreach (var table in new[] { "ingest_activity", "ingest_connection_activity" })
        {
            await using var cmd = context.Command($"delete from {table} where $1::text is null or tenant_id = $1");
            cmd.Parameters.Add(new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private static string ConnectionOf(StoredEvent e) =>
        e.Metadata is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty("connection_id", out var c) && c.ValueKind == JsonValueKind.String
            ? c.GetString()! : "";
}

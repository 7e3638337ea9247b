using GrowHalo.EventStore;
using GrowHalo.EventStore.Projections;
using GrowHalo.Platform.Database;
using NpgsqlTypes;

namespace GrowHalo.Ingestion.Activity;

/// <summary>
/// Counts events per tenant, source (the stream id's prefix) and type, and per connection (the event metadata's
/// connection_id, '' when none), for ingest status. The counting is done where the events are: each batch is one
/// statement over its range of the log (<see cref="EventDetail.None"/>), and no event crosses the wire.
/// </summary>
public sealed class IngestActivityProjection : IProjection
{
    public string Name => "ingest_activity";
    public IReadOnlyCollection<string>? EventTypes => null;
    public EventDetail Reads => EventDetail.None;

    public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct)
    {
        await using var cmd = context.RangeCommand($"""
            with page as materialized (
                select tenant_id, split_part(stream_id, ':', 1) as source, type, created_at,
                       case when json_typeof(metadata -> 'connection_id') = 'string' then metadata ->> 'connection_id' else '' end as connection_id
                from events
                where {ProjectionContext.InRange} and ($5::text is null or tenant_id = $5)),
            by_type as (
                insert into ingest_activity as a (tenant_id, source, event_type, events, last_event_at)
                select tenant_id, source, type, count(*), max(created_at) from page group by tenant_id, source, type
                on conflict (tenant_id, source, event_type) do update
                   set events = a.events + excluded.events, last_event_at = greatest(a.last_event_at, excluded.last_event_at))
            insert into ingest_connection_activity as a (tenant_id, connection_id, events, last_event_at)
            select tenant_id, connection_id, count(*), max(created_at) from page group by tenant_id, connection_id
            on conflict (tenant_id, connection_id) do update
               set events = a.events + excluded.events, last_event_at = greatest(a.last_event_at, excluded.last_event_at)
            """).With(context.TenantId, NpgsqlDbType.Text);
        await cmd.ExecuteNonQueryAsync(ct);
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
}

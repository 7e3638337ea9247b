using GrowHalo.Platform.Database;
using GrowHalo.Platform.Events.Projections;
using JasperFx.Events;
using NpgsqlTypes;

namespace GrowHalo.Ingestion.Activity;

/// <summary>
/// Counts events per tenant, source (the stream id's prefix) and type, and per connection (the body's connection_id,
/// '' when none), for ingest status: each page is counted here and added with two set-based upserts.
/// </summary>
public sealed class IngestActivityProjection : ISqlProjection
{
    public string Name => "ingest_activity";

    public async Task ApplyAsync(IReadOnlyList<IEvent> events, ProjectionContext context, CancellationToken ct)
    {
        var byType = new Dictionary<(string Tenant, string Source, string Type), (long Events, DateTimeOffset Last)>();
        var byConnection = new Dictionary<(string Tenant, string Connection), (long Events, DateTimeOffset Last)>();
        foreach (var e in events)
        {
            var stream = e.StreamKey ?? "";
            var colon = stream.IndexOf(':');
            Count(byType, (e.TenantId, colon < 0 ? stream : stream[..colon], e.EventTypeName), e.Timestamp);
            Count(byConnection, (e.TenantId, (e.Data as SourceRecordReceived)?.ConnectionId ?? ""), e.Timestamp);
        }
        await using (var cmd = context.Command("""
            insert into ingest_activity as a (tenant_id, source, event_type, events, last_event_at)
            select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[])
            on conflict (tenant_id, source, event_type) do update
               set events = a.events + excluded.events, last_event_at = greatest(a.last_event_at, excluded.last_event_at)
            """).WithTexts(byType.Keys.Select(k => k.Tenant)).WithTexts(byType.Keys.Select(k => k.Source)).WithTexts(byType.Keys.Select(k => k.Type))
            .With(byType.Values.Select(v => v.Events).ToArray()).WithTimestamps(byType.Values.Select(v => v.Last)))
            await cmd.ExecuteNonQueryAsync(ct);
        await using (var cmd = context.Command("""
            insert into ingest_connection_activity as a (tenant_id, connection_id, events, last_event_at)
            select * from unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[])
            on conflict (tenant_id, connection_id) do update
               set events = a.events + excluded.events, last_event_at = greatest(a.last_event_at, excluded.last_event_at)
            """).WithTexts(byConnection.Keys.Select(k => k.Tenant)).WithTexts(byConnection.Keys.Select(k => k.Connection))
            .With(byConnection.Values.Select(v => v.Events).ToArray()).WithTimestamps(byConnection.Values.Select(v => v.Last)))
            await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void Count<TKey>(Dictionary<TKey, (long Events, DateTimeOffset Last)> counts, TKey key, DateTimeOffset at) where TKey : notnull
    {
        var (events, last) = counts.GetValueOrDefault(key);
        counts[key] = (events + 1, at > last ? at : last);
    }

    public async Task ResetAsync(ProjectionContext context, string? tenantId, CancellationToken ct)
    {
        foreach (var table in new[] { "ingest_activity", "ingest_connection_activity" })
        {
            await using var cmd = context.Command($"delete from {table} where $1::text is null or tenant_id = $1").With(tenantId, NpgsqlDbType.Text);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}

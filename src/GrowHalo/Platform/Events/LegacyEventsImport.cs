using Marten;
using Npgsql;

namespace GrowHalo.Platform.Events;

/// <summary>
/// A database from before Marten keeps its events in GrowHalo's own tables (events, streams, projection_progress).
/// The first migration on Marten copies them into Marten's, once: every event in the order the old daemon read them
/// ((tx_id, seq_id), so in Marten's sequence too), every stream at its version, and each projection's progress moved
/// to where the same events now stand, so the read models the old daemon built go on from there instead of counting
/// those events again. The old tables stay, untouched, until a later migration drops them.
/// <para>The customers projection was merged into commerce: its queued customers (customer_fact_queue) are not carried
/// over; a server stopped while customers trailed commerce should run <c>growhalo projections rebuild</c> once.</para>
/// </summary>
internal static class LegacyEventsImport
{
    public static async Task<long> RunAsync(IDocumentStore store, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var check = new NpgsqlCommand("""
            select to_regclass('events') is not null and to_regclass('streams') is not null and to_regclass('projection_progress') is not null
            """, conn, tx))
            if (!(bool)(await check.ExecuteScalarAsync(ct))!) return 0;
        await using (var pending = new NpgsqlCommand("""
            select exists (select 1 from events) and not exists (select 1 from mt_events where type <> 'tombstone')
            """, conn, tx))
            if (!(bool)(await pending.ExecuteScalarAsync(ct))!) return 0;

        // Marten records each event's .NET type beside its name.
        var graph = (Marten.Events.EventGraph)((DocumentStore)store).Options.Events;
        var types = GrowHalo.Ingestion.SourceRecordReceived.Types;
        await using var copy = new NpgsqlCommand("""
            with ordered as materialized (
                select e.*, nextval('mt_events_sequence') as new_seq
                from (select * from events order by tx_id, seq_id) e),
            streams_copied as (
                insert into mt_streams (id, type, version, timestamp, created, tenant_id)
                select id, null, version, updated_at, created_at, tenant_id from streams
                on conflict do nothing),
            events_copied as (
                insert into mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, headers)
                select o.new_seq, o.id, o.stream_id, o.version, o.data::jsonb, o.type, o.created_at, o.tenant_id,
                       (select m.dotnet from unnest($1::text[], $2::text[]) as m(type, dotnet) where m.type = o.type),
                       o.metadata::jsonb
                from ordered o
                returning 1),
            progress as (
                insert into mt_event_progression (name, last_seq_id, last_updated)
                select p.name || ':All',
                       coalesce((select max(o.new_seq) from ordered o where (o.tx_id, o.seq_id) <= (p.tx_id, p.seq_id)), 0), now()
                from projection_progress p where p.name in ('commerce', 'ingest_activity')
                on conflict (name) do update set last_seq_id = excluded.last_seq_id, last_updated = excluded.last_updated)
            select count(*) from events_copied
            """, conn, tx)
        {
            Parameters =
            {
                new() { Value = types.Keys.ToArray() },
                new() { Value = types.Values.Select(t => graph.EventMappingFor(t).DotNetTypeName).ToArray() },
            },
        };
        var copied = (long)(await copy.ExecuteScalarAsync(ct))!;
        await tx.CommitAsync(ct);
        return copied;
    }
}

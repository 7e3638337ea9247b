using GrowHalo.Platform.Events.Projections;
using JasperFx.Events;
using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.Tests.Platform.Events.Projections;

/// <summary>One row of a tally: how many events a (tenant, stream) has, and the sums of their versions and sequence numbers.</summary>
public sealed record TallyRow(string Tenant, string Stream, long Events, long VersionSum, long SequenceSum);

/// <summary>
/// A test projection that keeps, per (tenant, stream), the count and the sums of versions and sequence numbers, in a
/// plain table of its own (<c>tally_{name}</c>). An event applied twice or skipped shows in the count or in the sums,
/// so comparing with mt_events proves "each committed event exactly once". Tests can run several side by side.
/// </summary>
public sealed class StreamTally(string name, int batchSize = 4000) : ISqlProjection
{
    public string Name => name;
    public int BatchSize => batchSize;
    private string Table => $"tally_{name}";

    public static async Task<StreamTally> CreateAsync(NpgsqlDataSource db, string name, int batchSize = 4000)
    {
        var tally = new StreamTally(name, batchSize);
        await using var cmd = db.CreateCommand($"""
            create table {tally.Table} (
                tenant_id text not null, stream_id text not null,
                events bigint not null, version_sum bigint not null, seq_sum bigint not null,
                primary key (tenant_id, stream_id))
            """);
        await cmd.ExecuteNonQueryAsync();
        return tally;
    }

    public async Task ApplyAsync(IReadOnlyList<IEvent> events, ProjectionContext context, CancellationToken ct)
    {
        var rows = events.GroupBy(e => (e.TenantId, Stream: e.StreamKey!))
            .Select(g => new TallyRow(g.Key.TenantId, g.Key.Stream, g.Count(), g.Sum(e => e.Version), g.Sum(e => e.Sequence)))
            .ToList();
        await using var cmd = context.Command($"""
            insert into {Table} (tenant_id, stream_id, events, version_sum, seq_sum)
            select * from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
            on conflict (tenant_id, stream_id) do update
               set events = {Table}.events + excluded.events,
                   version_sum = {Table}.version_sum + excluded.version_sum,
                   seq_sum = {Table}.seq_sum + excluded.seq_sum
            """);
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Tenant).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Stream).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Events).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.VersionSum).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.SequenceSum).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ResetAsync(ProjectionContext context, string? tenantId, CancellationToken ct)
    {
        await using var cmd = context.Command($"delete from {Table} where $1::text is null or tenant_id = $1");
        cmd.Parameters.Add(new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The projection's rows, in a stable order.</summary>
    public Task<List<TallyRow>> RowsAsync(NpgsqlDataSource db, string? tenantId = null) =>
        ReadAsync(db, $"select tenant_id, stream_id, events, version_sum, seq_sum from {Table}", tenantId);

    /// <summary>What the committed events say the rows must be (Marten's tombstones, left by failed appends, are no events).</summary>
    public static Task<List<TallyRow>> ExpectedAsync(NpgsqlDataSource db, string? tenantId = null) =>
        ReadAsync(db, """
            select tenant_id, stream_id, count(*), sum(version)::bigint, sum(seq_id)::bigint from mt_events
            where type <> 'tombstone'
            group by tenant_id, stream_id
            """, tenantId);

    private static async Task<List<TallyRow>> ReadAsync(NpgsqlDataSource db, string sql, string? tenantId)
    {
        await using var cmd = db.CreateCommand($"""
            select * from ({sql}) r where $1::text is null or r.tenant_id = $1 order by 1, 2
            """);
        cmd.Parameters.Add(new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        var rows = new List<TallyRow>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(new TallyRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        return rows;
    }
}

using System.Text.Json;
using GrowHalo.EventStore;
using GrowHalo.EventStore.Projections;
using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.Tests.EventStore.Projections;

/// <summary>
/// A test projection that stores each event's "amount" in a table whose check constraint refuses negative amounts:
/// an event with a negative amount is poison (the database rejects it mid-batch, aborting the transaction).
/// With <paramref name="reduces"/>, it reads the amounts in a reducer (<see cref="IProjection.CreateReducer"/>) and
/// applies the reduction: an amount that is not a number is poison there, before the database sees it.
/// With <paramref name="inSql"/>, it reads no events (<see cref="EventDetail.None"/>) and copies the amounts of its
/// batch's range of the log in one statement.
/// </summary>
public sealed class PickyProjection(string name, bool reduces = false, bool inSql = false) : IProjection
{
    public string Name => name;
    public IReadOnlyCollection<string>? EventTypes => null;
    public EventDetail Reads => inSql ? EventDetail.None : EventDetail.Bodies;
    private string Table => $"picky_{name}";

    /// <summary>Events handed to ApplyAsync with their bodies although the page was reduced (more than one event, so not a retry alone).</summary>
    public int BodiesSeenInReducedPages;

    public IEventReducer? CreateReducer() => reduces ? new AmountReducer() : null;

    private sealed class AmountReducer : IEventReducer
    {
        private readonly List<(long Sequence, string Tenant, int Amount)> _rows = [];
        public void Add(StoredEvent e) => _rows.Add((e.Sequence, e.TenantId, e.Data.GetProperty("amount").GetInt32()));
        public object Complete() => _rows;
    }

    public static async Task<PickyProjection> CreateAsync(NpgsqlDataSource db, string name, bool reduces = false, bool inSql = false)
    {
        var picky = new PickyProjection(name, reduces, inSql);
        await using var cmd = db.CreateCommand(
            $"create table {picky.Table} (seq_id bigint primary key, tenant_id text not null, amount int not null check (amount >= 0))");
        await cmd.ExecuteNonQueryAsync();
        return picky;
    }

    public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct)
    {
        if (inSql)
        {
            Assert.Empty(events);
            await using var copy = context.RangeCommand($"""
                insert into {Table}
                select seq_id, tenant_id, (data ->> 'amount')::int from events
                where {ProjectionContext.InRange} and ($5::text is null or tenant_id = $5)
                """);
            copy.Parameters.Add(new() { Value = (object?)context.TenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            await copy.ExecuteNonQueryAsync(ct);
            return;
        }
        await using var cmd = context.Command($"insert into {Table} select * from unnest($1::bigint[], $2::text[], $3::int[])");
        List<(long, string, int)> rows;
        if (reduces)
        {
            rows = context.Prepared as List<(long, string, int)> ?? throw new InvalidOperationException("A reduced page came without its reduction.");
            Assert.Equal(events.Select(e => e.Sequence), rows.Select(r => r.Item1));
            if (events.Count > 1) Interlocked.Add(ref BodiesSeenInReducedPages, events.Count(e => e.Data.ValueKind != JsonValueKind.Undefined));
        }
        else
            rows = events.Select(e => (e.Sequence, e.TenantId, e.Data.GetProperty("amount").GetInt32())).ToList();
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Item1).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Item2).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Item3).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ResetAsync(ProjectionContext context, string? tenantId, CancellationToken ct)
    {
        await using var cmd = context.Command($"delete from {Table} where $1::text is null or tenant_id = $1");
        cmd.Parameters.Add(new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<List<long>> SequencesAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand($"select seq_id from {Table} order by seq_id");
        var list = new List<long>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) list.Add(reader.GetInt64(0));
        return list;
    }
}

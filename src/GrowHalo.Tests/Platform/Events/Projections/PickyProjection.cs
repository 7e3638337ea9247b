using GrowHalo.Ingestion;
using GrowHalo.Platform.Events.Projections;
using JasperFx.Events;
using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.Tests.Platform.Events.Projections;

/// <summary>
/// A test projection that stores each event's "amount" (from the body's payload) in a table of its own whose check
/// constraint refuses negative amounts. Two kinds of poison: a negative amount, which the database rejects mid-page
/// (aborting the transaction), and an amount that is no number, on which the projection's own code throws before
/// the database sees the page.
/// </summary>
public sealed class PickyProjection(string name) : ISqlProjection
{
    public string Name => name;
    private string Table => $"picky_{name}";

    public static async Task<PickyProjection> CreateAsync(NpgsqlDataSource db, string name)
    {
        var picky = new PickyProjection(name);
        await using var cmd = db.CreateCommand(
            $"create table {picky.Table} (seq_id bigint primary key, tenant_id text not null, amount int not null check (amount >= 0))");
        await cmd.ExecuteNonQueryAsync();
        return picky;
    }

    public async Task ApplyAsync(IReadOnlyList<IEvent> events, ProjectionContext context, CancellationToken ct)
    {
        var rows = events.Select(e => (e.Sequence, e.TenantId, Amount: ((SourceRecordReceived)e.Data).Payload.GetProperty("amount").GetInt32())).ToList();
        await using var cmd = context.Command($"insert into {Table} select * from unnest($1::bigint[], $2::text[], $3::int[])");
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Sequence).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.TenantId).ToArray() });
        cmd.Parameters.Add(new() { Value = rows.Select(r => r.Amount).ToArray() });
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

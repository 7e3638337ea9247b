using GrowHalo.EventStore;
using GrowHalo.EventStore.Projections;
using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.Tests.EventStore.Projections;

/// <summary>
/// A test projection that stores each event's "amount" in a table whose check constraint refuses negative amounts:
/// an event with a negative amount is poison (the database rejects it mid-batch, aborting the transaction).
/// </summary>
public sealed class PickyProjection(string name) : IProjection
{
    public string Name => name;
    public IReadOnlyCollection<string>? EventTypes => null;
    private string Table => $"picky_{name}";

    public static async Task<PickyProjection> CreateAsync(NpgsqlDataSource db, string name)
    {
        var picky = new PickyProjection(name);
        await using var cmd = db.CreateCommand(
            $"create table {picky.Table} (seq_id bigint primary key, tenant_id text not null, amount int not null check (amount >= 0))");
        await cmd.ExecuteNonQueryAsync();
        return picky;
    }

    public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct)
    {
        await using var cmd = context.Command($"insert into {Table} select * from unnest($1::bigint[], $2::text[], $3::int[])");
        cmd.Parameters.Add(new() { Value = events.Select(e => e.Sequence).ToArray() });
        cmd.Parameters.Add(new() { Value = events.Select(e => e.TenantId).ToArray() });
        cmd.Parameters.Add(new() { Value = events.Select(e => e.Data.GetProperty("amount").GetInt32()).ToArray() });
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

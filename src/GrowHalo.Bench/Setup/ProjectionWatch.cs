using Npgsql;

namespace GrowHalo.Bench.Setup;

/// <summary>
/// Reads projection progress straight from projection_progress (cheap: one small table), to tell when every
/// projection has applied the events up to a feed position — without slowing the daemon it is watching.
/// </summary>
public sealed class ProjectionWatch(NpgsqlDataSource db, IReadOnlyCollection<string> projections)
{
    public readonly record struct Position(ulong TxId, long Sequence) : IComparable<Position>
    {
        public int CompareTo(Position other) => TxId != other.TxId ? TxId.CompareTo(other.TxId) : Sequence.CompareTo(other.Sequence);
    }

    /// <summary>The position of the last event in the log (by the feed's order).</summary>
    public async Task<Position> LastEventAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select tx_id::text, seq_id from events order by tx_id desc, seq_id desc limit 1");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new Position(ulong.Parse(r.GetString(0)), r.GetInt64(1)) : default;
    }

    /// <summary>The least progress over the watched projections; default when one has not started.</summary>
    public async Task<Position> SlowestAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select tx_id::text, seq_id from projection_progress where name = any($1)");
        cmd.Parameters.Add(new() { Value = projections.ToArray() });
        var seen = 0;
        Position? slowest = null;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var p = new Position(ulong.Parse(r.GetString(0)), r.GetInt64(1));
            seen++;
            if (slowest is null || p.CompareTo(slowest.Value) < 0) slowest = p;
        }
        return seen == projections.Count && slowest is { } s ? s : default;
    }

    public async Task WaitForAsync(Position target, TimeSpan timeout, CancellationToken ct, int pollMs = 50)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while ((await SlowestAsync(ct)).CompareTo(target) < 0)
        {
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"projections did not reach {target} within {timeout.TotalSeconds:0} s");
            await Task.Delay(pollMs, ct);
        }
    }

    /// <summary>The projections a running server has, from its readiness report.</summary>
    public static async Task<IReadOnlyList<string>> NamesAsync(Server.GrowHaloServer server, CancellationToken ct)
    {
        using var http = server.Client();
        using var ready = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/health/ready", ct));
        return ready.RootElement.GetProperty("projections").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToList();
    }
}

using Npgsql;

namespace GrowHalo.Bench.Setup;

/// <summary>
/// Reads projection progress straight from Marten's progress table, mt_event_progression (cheap: a few rows, one per
/// shard <c>{projection}:All</c>), to tell when every projection has applied the events up to a sequence — without
/// slowing the daemon it is watching. Marten's daemon moves a projection's progress past a sequence in the transaction
/// that applies the events up to it, so "progress ≥ the sequence of an event" means that event is in the read models.
/// </summary>
public sealed class ProjectionWatch(NpgsqlDataSource db, IReadOnlyCollection<string> projections)
{
    /// <summary>The sequence (mt_events.seq_id) of the last event in the log; 0 when there is none.</summary>
    public Task<long> LastEventAsync(CancellationToken ct) => BenchStore.LastSequenceAsync(db, ct);

    /// <summary>The least progress over the watched projections; 0 when one has not started.</summary>
    public Task<long> SlowestAsync(CancellationToken ct) => BenchStore.SlowestProgressAsync(db, projections, ct);

    public async Task WaitForAsync(long target, TimeSpan timeout, CancellationToken ct, int pollMs = 50)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (await SlowestAsync(ct) < target)
        {
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"projections did not reach sequence {target} within {timeout.TotalSeconds:0} s");
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

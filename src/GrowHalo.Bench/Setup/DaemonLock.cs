using JasperFx.Events.Daemon;
using Npgsql;

namespace GrowHalo.Bench.Setup;

/// <summary>
/// Keeps every GrowHalo server on a database from running its projections, without configuring the server: a server
/// runs Marten's async daemon hot/cold, where each projection shard (<c>commerce:All</c>, <c>ingest_activity:All</c>)
/// runs on the node that holds the shard's advisory lock (JasperFx's <see cref="ProjectionLockIds.Compute"/> of the
/// event schema, the shard and <c>DaemonLockId</c>). While the bench holds those locks, a server is a standby node: it
/// serves HTTP and appends, and only tries for the locks now and then (every LeadershipPollingTime, 2 s). Released,
/// the next server started takes the projections over at once.
/// </summary>
public sealed class DaemonLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;

    private DaemonLock(NpgsqlConnection connection) => _connection = connection;

    public static async Task<DaemonLock> HoldAsync(BenchDatabase db, CancellationToken ct)
    {
        var options = db.Store.Options;
        var lockIds = options.Projections.AllShards()
            .Select(shard => (long)ProjectionLockIds.Compute(options.Events.DatabaseSchemaName, shard.Name, options.Projections.DaemonLockId))
            .Distinct().ToArray();
        if (lockIds.Length == 0) throw new InvalidOperationException("The bench store has no projections, so no daemon lock to hold.");
        var held = new DaemonLock(await db.DataSource.OpenConnectionAsync(ct));
        try
        {
            await using var take = new NpgsqlCommand("select bool_and(pg_try_advisory_lock(id)) from unnest($1::bigint[]) as l(id)", held._connection)
                { Parameters = { new() { Value = lockIds } } };
            if (!(bool)(await take.ExecuteScalarAsync(ct))!)
                throw new InvalidOperationException("Marten's daemon locks are held already: a server with running projections is on this database.");
        }
        catch
        {
            await held.DisposeAsync();
            throw;
        }
        return held;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var release = new NpgsqlCommand("select pg_advisory_unlock_all()", _connection);
            await release.ExecuteNonQueryAsync();
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}

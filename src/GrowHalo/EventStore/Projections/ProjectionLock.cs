using System.Text;
using Npgsql;

namespace GrowHalo.EventStore.Projections;

/// <summary>
/// Ownership of a projection across processes: a session-level PostgreSQL advisory lock held on a dedicated
/// connection. If the owning process dies, its connection closes, the lock is released and another process takes over.
/// A rebuild first takes the projection's rebuild lock, which tells the owner to hand over between two batches.
/// </summary>
internal sealed class ProjectionLock : IAsyncDisposable
{
    private const int OwnerClass = 0x4748;   // "GH"
    private const int RebuildClass = 0x4749;
    private readonly NpgsqlConnection _conn;
    private readonly int _class;
    private readonly int _key;

    // Advisory locks are per database but pg_locks lists the whole server's: match this database (and the two-key
    // form) so that another database on the same server, with the same projection names, is never mistaken for ours.
    private const string HeldHere = """
        l.locktype = 'advisory' and l.classid = $1 and l.objid = $2 and l.objsubid = 2 and l.granted
        and l.database = (select oid from pg_database where datname = current_database())
        """;

    private ProjectionLock(NpgsqlConnection conn, int lockClass, int key) { _conn = conn; _class = lockClass; _key = key; }

    public static Task<ProjectionLock?> TryOwnAsync(NpgsqlDataSource ds, string projection, CancellationToken ct) =>
        TakeAsync(ds, OwnerClass, projection, wait: false, ct);

    public static async Task<ProjectionLock> OwnAsync(NpgsqlDataSource ds, string projection, CancellationToken ct) =>
        (await TakeAsync(ds, OwnerClass, projection, wait: true, ct))!;

    public static async Task<ProjectionLock> RequestRebuildAsync(NpgsqlDataSource ds, string projection, CancellationToken ct) =>
        (await TakeAsync(ds, RebuildClass, projection, wait: true, ct))!;

    /// <summary>True while some process holds the rebuild lock: the owner should step aside.</summary>
    public async Task<bool> RebuildRequestedAsync(CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"select exists (select 1 from pg_locks l where {HeldHere})", _conn);
        cmd.Parameters.Add(new() { Value = (long)RebuildClass });
        cmd.Parameters.Add(new() { Value = (long)(uint)_key });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task<bool> RebuildRequestedAsync(NpgsqlDataSource ds, string projection, CancellationToken ct)
    {
        await using var cmd = ds.CreateCommand(
            $"select exists (select 1 from pg_locks l where {HeldHere})");
        cmd.Parameters.Add(new() { Value = (long)RebuildClass });
        cmd.Parameters.Add(new() { Value = (long)(uint)KeyOf(projection) });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Who holds ownership, if anyone: the owning connection's application name (process and host).</summary>
    public static async Task<string?> OwnerAsync(NpgsqlDataSource ds, string projection, CancellationToken ct)
    {
        await using var cmd = ds.CreateCommand(
            $"""
            select coalesce(nullif(a.application_name, ''), 'pid ' || l.pid) from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where {HeldHere} limit 1
            """);
        cmd.Parameters.Add(new() { Value = (long)OwnerClass });
        cmd.Parameters.Add(new() { Value = (long)(uint)KeyOf(projection) });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    public async Task<bool> IsAliveAsync(CancellationToken ct)
    {
        try
        {
            await using var cmd = new NpgsqlCommand("select 1", _conn);
            await cmd.ExecuteScalarAsync(ct);
            return true;
        }
        catch (NpgsqlException) { return false; }
    }

    private static async Task<ProjectionLock?> TakeAsync(NpgsqlDataSource ds, int lockClass, string projection, bool wait, CancellationToken ct)
    {
        var key = KeyOf(projection);
        var conn = await ds.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand(wait ? "select pg_advisory_lock($1, $2)::text" : "select pg_try_advisory_lock($1, $2)", conn);
            cmd.Parameters.Add(new() { Value = lockClass });
            cmd.Parameters.Add(new() { Value = key });
            var result = await cmd.ExecuteScalarAsync(ct);
            if (wait || result is true) return new ProjectionLock(conn, lockClass, key);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
        await conn.DisposeAsync();
        return null;
    }

    /// <summary>FNV-1a of the name: a stable 32-bit key (string.GetHashCode is randomised per process).</summary>
    private static int KeyOf(string name)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(name)) hash = (hash ^ b) * 16777619u;
        return unchecked((int)hash);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var cmd = new NpgsqlCommand("select pg_advisory_unlock($1, $2)", _conn);
            cmd.Parameters.Add(new() { Value = _class });
            cmd.Parameters.Add(new() { Value = _key });
            await cmd.ExecuteScalarAsync();
        }
        catch (NpgsqlException) { /* connection gone: the server already released the lock */ }
        catch (InvalidOperationException) { }
        await _conn.DisposeAsync();
    }
}

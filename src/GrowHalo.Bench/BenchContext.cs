using GrowHalo.Bench.Setup;
using GrowHalo.Platform.Database;
using GrowHalo.Platform.Events;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace GrowHalo.Bench;

/// <summary>
/// The database server the scenarios use: GROWHALO_DATABASE_URL when set, otherwise a private throw-away PostgreSQL
/// started exactly as the tests start theirs (a temp data folder, a free loopback port, stopped and deleted at the end).
/// Each scenario asks for fresh databases, so scenarios never see each other's rows.
/// </summary>
public sealed class BenchContext : IAsyncDisposable
{
    private readonly LocalPostgres? _local;
    private readonly string _serverConnectionString;
    private readonly List<BenchDatabase> _shared = [];
    private readonly List<(string Name, BenchDatabase Database)> _scenarioDatabases = [];
    private readonly Action<string> _log;
    private readonly Dictionary<string, long> _peaks = [];

    private BenchContext(string serverConnectionString, LocalPostgres? local, string serverDescription, Action<string> log, double scale, double? minutes)
    {
        Minutes = minutes;
        _serverConnectionString = serverConnectionString;
        _local = local;
        _log = log;
        Server = serverDescription;
        Scale = scale;
    }

    public string Server { get; }

    /// <summary>Multiplies the scenarios' sizes (--scale); 1 is the size the issue asks for (1,000,000 orders or events).</summary>
    public double Scale { get; }

    /// <summary>How long a timed scenario (the soak) runs (--minutes); null: its own default.</summary>
    public double? Minutes { get; }

    public void Log(string message) => _log(message);

    /// <summary>Peak resident memory of the GrowHalo server during a scenario, for the memory scenario's table.</summary>
    public void RecordPeak(string phase, long bytes)
    {
        lock (_peaks) _peaks[phase] = bytes;
    }

    public IReadOnlyDictionary<string, long> Peaks
    {
        get { lock (_peaks) return new Dictionary<string, long>(_peaks); }
    }

    private Task<Setup.HistoryBacklog>? _history;

    /// <summary>
    /// The two-year history of 1,000,000 orders from 100,000 customers, with its ad rows (at scale 1), that the
    /// projections, rebuild, queries, customers and memory scenarios share: built once per run, on first use.
    /// </summary>
    public Task<Setup.HistoryBacklog> HistoryAsync(CancellationToken ct) =>
        _history ??= Setup.HistoryBacklog.BuildAsync(this, (long)(1_000_000 * Scale), ct);

    /// <summary>
    /// The history with no projection run over it yet, for the catch-up measurement: the shared one while nothing has
    /// projected it, else a new one (e.g. `rebuild memory`, where rebuild ran first).
    /// </summary>
    public async Task<Setup.HistoryBacklog> UnprojectedHistoryAsync(CancellationToken ct)
    {
        var history = await HistoryAsync(ct);
        // Marten's progress table also holds the high-water mark (the bulk import sets it): only projection shards count.
        await using var cmd = history.Database.DataSource.CreateCommand("select count(*) from mt_event_progression where name like '%:All' and last_seq_id > 0");
        if ((long)(await cmd.ExecuteScalarAsync(ct))! == 0) return history;
        _history = Setup.HistoryBacklog.BuildAsync(this, (long)(1_000_000 * Scale), ct);
        return await _history;
    }

    public static async Task<BenchContext> StartAsync(Action<string> log, double scale = 1, double? minutes = null)
    {
        var url = Environment.GetEnvironmentVariable("GROWHALO_DATABASE_URL");
        if (!string.IsNullOrWhiteSpace(url))
            return new BenchContext(PostgresUrl.ToConnectionString(url), null, "GROWHALO_DATABASE_URL", log, scale, minutes);
        var dir = Path.Combine(Path.GetTempPath(), $"growhalo-bench-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        var local = await LocalPostgres.StartAsync(new LocalPostgresOptions(dir, LocalPostgres.FreePort(), "postgres", Ephemeral: true, Durable: true), log);
        return new BenchContext(local.ConnectionString, local, "local PostgreSQL 15 (fsync and synchronous_commit on, as deployed)", log, scale, minutes);
    }

    /// <summary>
    /// A new, migrated database (GrowHalo's migrations, then Marten's event store schema, as <c>growhalo migrate</c>
    /// does), with the connection string a GrowHalo server process needs to use it and a Marten store configured as
    /// the server's (for appends, bulk imports and in-process daemons). It is dropped
    /// when the scenario ends (<see cref="EndScenarioAsync"/>) unless <paramref name="shared"/> (the history, which
    /// several scenarios use).
    /// </summary>
    public async Task<BenchDatabase> CreateDatabaseAsync(CancellationToken ct = default, bool shared = false)
    {
        var name = "bench_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(_serverConnectionString))
        {
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand($"create database {name}", conn);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var connectionString = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = name }.ConnectionString;
        var source = NpgsqlDataSource.Create(connectionString);
        var store = BenchStore.Create(source);
        var database = new BenchDatabase(connectionString, source, store);
        if (shared) _shared.Add(database); else _scenarioDatabases.Add((name, database));
        await new Migrator(source, NullLogger<Migrator>.Instance, new EventStoreSchema(store, source)).MigrateAsync(ct);
        return database;
    }

    /// <summary>
    /// Drops the databases the scenario made for itself. Left in place, PostgreSQL's housekeeping of them (autovacuum,
    /// and writing out their pages) would run during the next scenarios' measurements.
    /// </summary>
    public async Task<int> EndScenarioAsync(CancellationToken ct)
    {
        var dropped = _scenarioDatabases.ToList();
        _scenarioDatabases.Clear();
        await using var conn = new NpgsqlConnection(_serverConnectionString);
        await conn.OpenAsync(ct);
        foreach (var (name, database) in dropped)
        {
            await database.DisposeAsync();
            await using var cmd = new NpgsqlCommand($"drop database if exists {name} with (force)", conn);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return dropped.Count;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _shared) await d.DisposeAsync();
        foreach (var (_, d) in _scenarioDatabases) await d.DisposeAsync();
        if (_local is not null) await _local.DisposeAsync();
    }
}

/// <summary>
/// A bench database: its connection string (for a server process), a data source (for setup and checks) and a Marten
/// store over it configured as the server's (<see cref="BenchStore"/>).
/// </summary>
public sealed record BenchDatabase(string ConnectionString, NpgsqlDataSource DataSource, DocumentStore Store) : IAsyncDisposable
{
    /// <summary>Appends as ingestion does: through <see cref="EventAppender"/>, in the caller's transaction.</summary>
    public EventAppender Appender { get; } = new(Store);

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        await DataSource.DisposeAsync();
    }
}

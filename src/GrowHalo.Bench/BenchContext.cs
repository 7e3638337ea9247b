using GrowHalo.Platform.Database;
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
    private readonly List<NpgsqlDataSource> _sources = [];

    private BenchContext(string serverConnectionString, LocalPostgres? local, string serverDescription)
    {
        _serverConnectionString = serverConnectionString;
        _local = local;
        Server = serverDescription;
    }

    public string Server { get; }

    public static async Task<BenchContext> StartAsync(Action<string> log)
    {
        var url = Environment.GetEnvironmentVariable("GROWHALO_DATABASE_URL");
        if (!string.IsNullOrWhiteSpace(url))
            return new BenchContext(PostgresUrl.ToConnectionString(url), null, "GROWHALO_DATABASE_URL");
        var dir = Path.Combine(Path.GetTempPath(), $"growhalo-bench-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        var local = await LocalPostgres.StartAsync(new LocalPostgresOptions(dir, LocalPostgres.FreePort(), "postgres", Ephemeral: true), log);
        return new BenchContext(local.ConnectionString, local, $"local PostgreSQL in {dir} (fsync off, like the tests)");
    }

    /// <summary>A new, migrated database of its own on the bench server.</summary>
    public async Task<NpgsqlDataSource> FreshDatabaseAsync(CancellationToken ct = default)
    {
        var name = "bench_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(_serverConnectionString))
        {
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand($"create database {name}", conn);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = name }.ConnectionString);
        _sources.Add(source);
        await new Migrator(source, NullLogger<Migrator>.Instance).MigrateAsync(ct);
        return source;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _sources) await s.DisposeAsync();
        if (_local is not null) await _local.DisposeAsync();
    }
}

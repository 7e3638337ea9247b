using GrowHalo.Platform.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace GrowHalo.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL server per test run, started by the same mechanism the app uses (a throw-away data folder
/// under the system temp folder, a free loopback port), stopped when the run ends. Each test class gets a fresh
/// database of its own, migrated, so classes can run in parallel without seeing each other's rows.
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<Task<LocalPostgres>> Server = new(StartAsync);

    /// <summary>A second server of the run, started on first use: tenants spread over the databases of two servers.</summary>
    private static readonly Lazy<Task<LocalPostgres>> SecondServer = new(StartAsync);

    private static async Task<LocalPostgres> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable("GROWHALO_TEST_DATABASE_URL");
        if (!string.IsNullOrEmpty(external)) throw new NotSupportedException("GROWHALO_TEST_DATABASE_URL is not supported; tests start their own server.");
        SweepLeftovers();
        return await StartServerAsync();
    }

    /// <summary>
    /// Another throw-away server like the shared one, for a test class that must stop or restart its database (the
    /// shared server serves every other class). Stopped when the run ends at the latest; dispose it sooner.
    /// </summary>
    public static async Task<LocalPostgres> StartServerAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        var server = await LocalPostgres.StartAsync(new LocalPostgresOptions(dir, LocalPostgres.FreePort(), "postgres", Ephemeral: true));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }

    private const string Prefix = "growhalo-tests-";

    /// <summary>
    /// Deletes the data folders of earlier runs whose test process is gone, stopping their server first if it still
    /// runs. A run stops its server when its process exits, but the test host may be ended before that is done; at
    /// some 50 MB a run, the leftovers filled a busy machine's disk.
    /// </summary>
    private static void SweepLeftovers()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var name = Path.GetFileName(dir);
            var pidText = name[Prefix.Length..].Split('-')[0];
            if (!int.TryParse(pidText, out var pid) || Alive(pid)) continue;
            var postmaster = Path.Combine(dir, "postmaster.pid");
            if (File.Exists(postmaster) && int.TryParse(File.ReadLines(postmaster).FirstOrDefault(), out var serverPid) && Alive(serverPid)
                && !StopOrphan(serverPid))
                continue;
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>A server whose test run is gone: a fast shutdown (SIGINT), waited for up to 10 s.</summary>
    private static bool StopOrphan(int serverPid)
    {
        try
        {
            using var kill = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("kill", ["-INT", serverPid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { RedirectStandardError = true });
            kill?.WaitForExit(5_000);
            for (var i = 0; i < 100 && Alive(serverPid); i++) Thread.Sleep(100);
            return !Alive(serverPid);
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }

    private static bool Alive(int pid)
    {
        try { using var process = System.Diagnostics.Process.GetProcessById(pid); return !process.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>Creates an empty database, not migrated, on the run's second server and returns its connection string.</summary>
    public static async Task<string> CreateEmptyDatabaseOnSecondServerAsync()
    {
        var server = await SecondServer.Value;
        var name = "d_" + Guid.NewGuid().ToString("N")[..16];
        await using (var conn = new NpgsqlConnection(server.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"create database {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Creates an empty, migrated database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync() => await CreateDatabaseAsync(await Server.Value);

    /// <summary>Creates an empty, migrated database on <paramref name="server"/> and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(LocalPostgres server)
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var conn = new NpgsqlConnection(server.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"create database {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString;
        await using var ds = NpgsqlDataSource.Create(cs);
        await using var store = GrowHalo.Platform.Events.MartenSetup.CreateStore(ds);
        await new Migrator(ds, NullLogger<Migrator>.Instance, new GrowHalo.Platform.Events.EventStoreSchema(store, ds)).MigrateAsync();
        return cs;
    }
}

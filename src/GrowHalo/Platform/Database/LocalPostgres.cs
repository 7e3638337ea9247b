using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Npgsql;

namespace GrowHalo.Platform.Database;

/// <summary>
/// A private PostgreSQL server that GrowHalo runs itself from the machine's installed binaries:
/// loopback only, data in <see cref="LocalPostgresOptions.DataDirectory"/>, stopped on dispose when we started it.
/// PostgreSQL refuses to run as root, so under root the server runs as an unprivileged user.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    private readonly LocalPostgresOptions _options;
    private readonly string _binDir;
    private readonly string? _runAsUser;
    private bool _startedByUs;

    private LocalPostgres(LocalPostgresOptions options, string binDir, string? runAsUser)
    {
        _options = options;
        _binDir = binDir;
        _runAsUser = runAsUser;
    }

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = _options.Port, Username = SuperUser, Database = _options.Database,
        MaxPoolSize = 60, Timeout = 30, CommandTimeout = 300,
    }.ConnectionString;

    public const string SuperUser = "growhalo";

    public static async Task<LocalPostgres> StartAsync(LocalPostgresOptions options, Action<string>? log = null, CancellationToken ct = default)
    {
        var binDir = FindBinDirectory() ?? throw new LocalPostgresUnavailableException(
            "GrowHalo needs a PostgreSQL server. None is configured and no PostgreSQL server binaries (initdb, pg_ctl, postgres) " +
            "were found on PATH or under /usr/lib/postgresql/*/bin. Either install them (Debian/Ubuntu: `apt-get install postgresql`) " +
            "or set GROWHALO_DATABASE_URL, e.g. postgres://user:password@localhost:5432/growhalo.");
        var runAs = IsRoot() ? EnsureUnprivilegedUser() : null;
        var server = new LocalPostgres(options, binDir, runAs);
        await server.StartCoreAsync(log ?? (_ => { }), ct);
        return server;
    }

    private async Task StartCoreAsync(Action<string> log, CancellationToken ct)
    {
        var data = _options.DataDirectory;
        Directory.CreateDirectory(data);
        if (_runAsUser is not null)
        {
            CheckReachable(data);
            await RunAsync("chown", ["-R", _runAsUser, data], asServerUser: false, ct);
        }
        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            log($"Creating a local PostgreSQL cluster in {data}");
            string[] initArgs = ["-D", data, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--no-locale"];
            if (_options.Ephemeral) initArgs = [.. initArgs, "--no-sync"];
            await RunAsync(Path.Combine(_binDir, "initdb"), initArgs, asServerUser: true, ct);
        }

        if (await CanConnectAsync("postgres", ct))
        {
            log($"Reusing the local PostgreSQL server already running on port {_options.Port}");
        }
        else
        {
            log($"Starting local PostgreSQL on 127.0.0.1:{_options.Port} (data: {data})");
            var settings = $"-p {_options.Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200";
            if (_options.Ephemeral && !_options.Durable) settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
            await RunAsync(Path.Combine(_binDir, "pg_ctl"),
                ["-D", data, "-l", Path.Combine(data, "server.log"), "-w", "-t", "60", "-o", settings, "start"], asServerUser: true, ct);
            _startedByUs = true;
        }
        await EnsureDatabaseAsync(ct);
    }

    private async Task EnsureDatabaseAsync(CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", conn) { Parameters = { new() { Value = _options.Database } } };
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"create database \"{_options.Database.Replace("\"", "")}\"", conn);
            try { await create.ExecuteNonQueryAsync(ct); }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase) { }
        }
    }

    private string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database, Pooling = false }.ConnectionString;

    private async Task<bool> CanConnectAsync(string database, CancellationToken ct)
    {
        try
        {
            await using var conn = new NpgsqlConnection(ConnectionStringFor(database) + ";Timeout=3");
            await conn.OpenAsync(ct);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException) { return false; }
    }

    /// <summary>
    /// Stops the server as an operator's restart does (a fast shutdown: sessions are ended, open transactions roll back)
    /// and keeps its data for <see cref="StartAgainAsync"/>.
    /// </summary>
    public Task StopAsync(CancellationToken ct = default) =>
        RunAsync(Path.Combine(_binDir, "pg_ctl"), ["-D", _options.DataDirectory, "-m", "fast", "-w", "stop"], asServerUser: true, ct);

    /// <summary>Starts a server stopped by <see cref="StopAsync"/> again, on the same data folder and port.</summary>
    public Task StartAgainAsync(CancellationToken ct = default) => StartCoreAsync(_ => { }, ct);

    public async ValueTask DisposeAsync()
    {
        if (!_startedByUs) return;
        _startedByUs = false;
        NpgsqlConnection.ClearAllPools();
        await RunAsync(Path.Combine(_binDir, "pg_ctl"), ["-D", _options.DataDirectory, "-m", "fast", "-w", "stop"], asServerUser: true, CancellationToken.None);
        if (_options.Ephemeral) TryDelete(_options.DataDirectory);
    }

    private static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private async Task RunAsync(string file, string[] args, bool asServerUser, CancellationToken ct)
    {
        var psi = asServerUser && _runAsUser is not null
            ? new ProcessStartInfo("runuser", ["-u", _runAsUser, "--", file, .. args])
            : new ProcessStartInfo(file, args);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.WorkingDirectory = Path.GetTempPath();
        using var process = Process.Start(psi) ?? throw new LocalPostgresUnavailableException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            var logTail = ReadLogTail();
            throw new LocalPostgresUnavailableException(
                $"`{Path.GetFileName(file)} {string.Join(' ', args)}` failed with exit code {process.ExitCode}: {await stderr}{await stdout}{logTail}");
        }
    }

    private string ReadLogTail()
    {
        var path = Path.Combine(_options.DataDirectory, "server.log");
        try { return File.Exists(path) ? "\nserver.log: " + string.Join('\n', File.ReadLines(path).TakeLast(10)) : ""; }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    /// <summary>Every folder on the way to the data must be traversable by the server's user.</summary>
    private static void CheckReachable(string dataDir)
    {
        if (OperatingSystem.IsWindows()) return;
        for (var dir = Directory.GetParent(Path.GetFullPath(dataDir)); dir is not null; dir = dir.Parent)
        {
            var mode = File.GetUnixFileMode(dir.FullName);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
                throw new LocalPostgresUnavailableException(
                    $"The PostgreSQL data folder {dataDir} is inside {dir.FullName}, which the unprivileged server user cannot enter. " +
                    "Set GROWHALO_DATA_DIR to a folder under /var/lib or /tmp, or run GrowHalo as a normal user.");
        }
    }

    public static string? FindBinDirectory()
    {
        var fromEnv = Environment.GetEnvironmentVariable("GROWHALO_PG_BIN");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(Path.Combine(fromEnv, "pg_ctl"))) return fromEnv;
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Where(d => File.Exists(Path.Combine(d, "pg_ctl")) && File.Exists(Path.Combine(d, "initdb")))
            .Select(d => Path.GetDirectoryName(ResolveLink(Path.Combine(d, "pg_ctl")))!);
        var installed = new[] { "/usr/lib/postgresql", "/usr/local/pgsql", "/opt/homebrew/opt" }
            .Where(Directory.Exists)
            .SelectMany(root => Directory.GetDirectories(root).OrderByDescending(VersionOf))
            .Select(v => Path.Combine(v, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "pg_ctl")));
        return candidates.Concat(installed).FirstOrDefault();
    }

    private static double VersionOf(string dir) => double.TryParse(Path.GetFileName(dir), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static string ResolveLink(string path) => new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();

    private static bool IsRoot() => OperatingSystem.IsLinux() && GetEuid() == 0;

    private static string EnsureUnprivilegedUser()
    {
        var users = File.ReadAllLines("/etc/passwd").Select(l => l.Split(':')[0]).ToHashSet();
        if (users.Contains("postgres")) return "postgres";
        if (users.Contains("growhalo")) return "growhalo";
        using var p = Process.Start("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "growhalo"]);
        p.WaitForExit();
        if (p.ExitCode != 0) throw new LocalPostgresUnavailableException("Running as root, GrowHalo needs an unprivileged user for PostgreSQL and could not create one (useradd growhalo failed). Create a 'postgres' user or run as a normal user.");
        return "growhalo";
    }
}

/// <param name="Ephemeral">A throw-away server: its data folder is deleted when it stops, and (unless <paramref name="Durable"/>)
/// it runs without fsync, as the tests do.</param>
/// <param name="Durable">Keep PostgreSQL's durability as deployed (fsync and synchronous_commit on) even when ephemeral: the benchmarks.</param>
public sealed record LocalPostgresOptions(string DataDirectory, int Port, string Database = "growhalo", bool Ephemeral = false, bool Durable = false)
{
    public const int DefaultPort = 54329;

    /// <summary>~/.local/share/growhalo/postgres for a normal user; /var/lib/growhalo/postgres for root (reachable by the server's user).</summary>
    public static string DefaultDataDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("GROWHALO_DATA_DIR");
        if (!string.IsNullOrWhiteSpace(configured)) return Path.Combine(Path.GetFullPath(configured), "postgres");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Environment.UserName == "root" || string.IsNullOrEmpty(home)
            ? "/var/lib/growhalo/postgres"
            : Path.Combine(home, ".local", "share", "growhalo", "postgres");
    }
}

public sealed class LocalPostgresUnavailableException(string message) : Exception(message);

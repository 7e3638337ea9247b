using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace GrowHalo.Bench.Server;

/// <summary>
/// A real GrowHalo server in a child process — the same growhalo.dll a user runs, serving HTTP on loopback with its
/// projection daemon — over a bench database. A child process keeps the figures honest: the load generator's CPU
/// and memory are not the server's, and the server's memory is read from the kernel (/proc/PID/status).
/// Its log goes to artifacts/bench/server-NAME.log.
/// </summary>
public sealed class GrowHaloServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly MemorySampler _memory;

    private GrowHaloServer(Process process, StreamWriter log, Uri url, string secretKey)
    {
        _process = process;
        _log = log;
        Url = url;
        SecretKey = secretKey;
        _memory = new MemorySampler(process.Id);
    }

    public Uri Url { get; }
    public int ProcessId => _process.Id;

    /// <summary>When the process was started (its projection daemon starts working before HTTP answers).</summary>
    public long StartedTimestamp { get; private init; }
    public DateTimeOffset StartedAt { get; private init; }

    /// <summary>The GROWHALO_SECRET_KEY the server seals connection secrets with.</summary>
    public string SecretKey { get; }

    /// <summary>The server's memory, sampled every 100 ms since it started.</summary>
    public MemorySampler Memory => _memory;

    /// <param name="settings">Extra configuration, e.g. <c>Projections__BatchSize</c>; null removes a variable.</param>
    public static async Task<GrowHaloServer> StartAsync(string name, string connectionString, IReadOnlyDictionary<string, string?>? settings = null,
        CancellationToken ct = default)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "growhalo.dll");
        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        var secretKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        // Started in its own folder: ASP.NET Core watches the content root (recursively) for configuration changes, and a
        // content root holding artifacts/bench, where this very log is written, would keep the server busy with file events.
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("serve");
        info.Environment["ASPNETCORE_URLS"] = url.ToString();
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["ConnectionStrings__GrowHalo"] = connectionString;
        info.Environment["GROWHALO_SECRET_KEY"] = secretKey;
        info.Environment.Remove("GROWHALO_DATABASE_URL");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            if (value is null) info.Environment.Remove(key); else info.Environment[key] = value;

        var logPath = Path.GetFullPath(Path.Combine("artifacts", "bench", $"server-{name}.log"));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var startedTimestamp = Stopwatch.GetTimestamp();
        var startedAt = DateTimeOffset.UtcNow;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new GrowHaloServer(process, log, url, secretKey) { StartedTimestamp = startedTimestamp, StartedAt = startedAt };
        try
        {
            await server.WaitUntilUpAsync(ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    private async Task WaitUntilUpAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited) throw new InvalidOperationException($"The GrowHalo server exited with code {_process.ExitCode}; see {((FileStream)_log.BaseStream).Name}.");
            try
            {
                if ((await http.GetAsync("/health", ct)).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(100, ct);
        }
        throw new TimeoutException($"The GrowHalo server did not answer /health within 60 s; see {((FileStream)_log.BaseStream).Name}.");
    }

    /// <summary>Waits until /health/ready reports no projection lagging behind the log (every committed event applied).</summary>
    public async Task WaitForProjectionsAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var ready = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/health/ready", ct));
            if (ready.RootElement.GetProperty("projections").EnumerateArray().All(p => p.GetProperty("lag_events").GetInt64() == 0)) return;
            if (clock.Elapsed > timeout) throw new TimeoutException($"Projections still behind after {timeout.TotalSeconds:0} s: {ready.RootElement}");
            await Task.Delay(50, ct);
        }
    }

    /// <summary>An HTTP client for this server, with an API key when given.</summary>
    public HttpClient Client(string? apiKey = null, int maxConnections = 64)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        var client = new HttpClient(handler) { BaseAddress = Url, Timeout = TimeSpan.FromMinutes(5) };
        if (apiKey is not null) client.DefaultRequestHeaders.Add("x-api-key", apiKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        _memory.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true); // our own child, by its id
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log)
        {
            try { log.WriteLine(line); }
            catch (ObjectDisposedException) { } // the last lines of a server being stopped
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GrowHalo.Tests.Cli;

namespace GrowHalo.Tests.Platform.Reliability;

/// <summary>
/// One real <c>growhalo serve</c> process on a port of its own, over a database it shares with others. It can be
/// killed with SIGKILL (<see cref="KillHard"/>: no shutdown, no flush, PostgreSQL sees its sessions drop) and started
/// again on the same port, as a supervisor restarts a crashed server.
/// </summary>
public sealed class ServerNode : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private GrowHaloProcess? _process;
    private string _earlierLogs = "";
    private readonly Stopwatch _started = new();

    private ServerNode(string name, string connectionString, IReadOnlyDictionary<string, string> environment, int port)
    {
        Name = name;
        _connectionString = connectionString;
        _environment = environment;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    public string Name { get; }
    public string BaseUrl { get; }
    public bool Alive => _process is { HasExited: false };

    /// <summary>What the process names its database sessions (<c>growhalo:{pid}@{host}</c>): how lock holders are told apart.</summary>
    public string ApplicationName => _process?.ApplicationName ?? "";

    public string Log => _earlierLogs + (_process?.Log ?? "");

    public static ServerNode Start(string name, string connectionString, IReadOnlyDictionary<string, string> environment)
    {
        var node = new ServerNode(name, connectionString, environment, FreePort());
        node.Restart();
        return node;
    }

    /// <summary>Starts the process (again): same database, same port, same settings.</summary>
    public void Restart()
    {
        if (Alive) throw new InvalidOperationException($"{Name} is running.");
        if (_process is not null)
        {
            _earlierLogs += _process.Log + "\n--- restarted\n";
            _process.DisposeAsync().AsTask().GetAwaiter().GetResult(); // already exited: returns at once
        }
        _started.Restart();
        _process = GrowHaloProcess.Start(_connectionString, _environment, "serve", $"--urls={BaseUrl}");
    }

    /// <summary>SIGKILL: what a crash, an OOM kill or a pulled plug looks like to everyone else.</summary>
    public void KillHard() => _process?.Kill();

    /// <summary>How long the last start took until GET /health answered.</summary>
    public TimeSpan StartedIn { get; private set; }

    /// <summary>Waits until GET /health answers 200.</summary>
    public async Task WaitUntilServingAsync(HttpClient client, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            if (_process is { HasExited: true }) throw new InvalidOperationException($"{Name} exited while starting:\n{Log}");
            try
            {
                using var response = await client.GetAsync(BaseUrl + "/health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    StartedIn = _started.Elapsed;
                    return;
                }
            }
            catch (HttpRequestException) { } // not listening yet
            await Task.Delay(50);
        }
        throw new TimeoutException($"{Name} did not serve within {limit}:\n{Log}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
    }
}

using System.Diagnostics;
using System.Text;

namespace GrowHalo.Tests.Cli;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// The real executable, as a user runs it: <c>dotnet growhalo.dll …</c> with GROWHALO_DATABASE_URL set, output
/// redirected (so not a terminal). A started server is killed with its process tree on dispose, whatever happened.
/// </summary>
public sealed class GrowHaloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private GrowHaloProcess(Process process) => _process = process;

    /// <summary>growhalo.dll as built next to the tests (the test project references the app).</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "growhalo.dll");

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>What the app names its database connections (see DatabaseConnection), cut to PostgreSQL's 63 characters.</summary>
    public string ApplicationName
    {
        get
        {
            var name = $"growhalo:{Id}@{Environment.MachineName}";
            return name.Length > 63 ? name[..63] : name;
        }
    }

    public string Log { get { lock (_stdout) return _stdout + "\n" + _stderr; } }

    public static GrowHaloProcess Start(string? connectionString, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("GROWHALO_DATABASE_URL");
        psi.Environment.Remove("ConnectionStrings__GrowHalo");
        if (connectionString is not null) psi.Environment["GROWHALO_DATABASE_URL"] = connectionString;
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var process = new Process { StartInfo = psi };
        var started = new GrowHaloProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (started._stdout) started._stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (started._stdout) started._stderr.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Runs a command to its end (killed after two minutes) and returns its exit code and output.</summary>
    public static async Task<CliResult> RunAsync(string? connectionString, params string[] args)
    {
        await using var p = Start(connectionString, null, args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try { await p._process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"growhalo {string.Join(' ', args)} did not finish:\n{p.Log}"); }
        p._process.WaitForExit(); // drains the redirected output
        lock (p._stdout) return new CliResult(p._process.ExitCode, p._stdout.ToString(), p._stderr.ToString());
    }

    public void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        _process.WaitForExit(10_000);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}

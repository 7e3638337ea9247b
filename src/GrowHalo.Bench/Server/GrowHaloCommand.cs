using System.Diagnostics;

namespace GrowHalo.Bench.Server;

/// <summary>Runs a growhalo command (the CLI a user types) as a child process over a bench database, and times it.</summary>
public static class GrowHaloCommand
{
    public sealed record Result(int ExitCode, TimeSpan Elapsed, long PeakBytes, string Output);

    public static async Task<Result> RunAsync(string connectionString, IReadOnlyList<string> args, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "growhalo.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["ConnectionStrings__GrowHalo"] = connectionString;
        info.Environment.Remove("GROWHALO_DATABASE_URL");
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        using var memory = new MemorySampler(process.Id);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        long peak = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, memory.PeakBytes);
            await Task.WhenAny(process.WaitForExitAsync(ct), Task.Delay(200, ct));
        }
        await process.WaitForExitAsync(ct);
        return new Result(process.ExitCode, clock.Elapsed, peak, (await stdout) + (await stderr));
    }
}

using System.Globalization;
using Npgsql;

namespace GrowHalo.Bench.Server;

/// <summary>
/// CPU time as the kernel counts it (/proc/PID/stat utime + stime), for a process or a process and its children
/// (a PostgreSQL cluster: the postmaster and its backends). On a shared machine wall-clock figures swing with the
/// neighbours' load; CPU seconds per request say where the work goes and barely move. 0 where /proc is missing.
/// </summary>
public static class CpuMeter
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on Linux

    public static double Seconds(int pid) => Read(pid) is { } stat ? (stat.UTime + stat.STime) / TicksPerSecond : 0;

    /// <summary>
    /// The process, its live children, and the children it has reaped (a backend that exits hands its CPU time to the
    /// postmaster's cutime/cstime), so the figure only grows.
    /// </summary>
    public static double TreeSeconds(int pid)
    {
        var total = Read(pid) is { } own ? (own.UTime + own.STime + own.ChildUTime + own.ChildSTime) / TicksPerSecond : 0;
        if (!Directory.Exists("/proc")) return total;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var child) && Read(child) is { } stat && stat.ParentPid == pid)
                total += (stat.UTime + stat.STime) / TicksPerSecond;
        return total;
    }

    /// <summary>The parent of a process (a backend's parent is its postmaster).</summary>
    public static int ParentOf(int pid) => Read(pid)?.ParentPid ?? 0;

    /// <summary>The PostgreSQL server's main process: the parent of any backend.</summary>
    public static async Task<int> PostmasterAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select pg_backend_pid()");
        return ParentOf((int)(await cmd.ExecuteScalarAsync(ct))!);
    }

    private sealed record Stat(int ParentPid, long UTime, long STime, long ChildUTime, long ChildSTime);

    private static Stat? Read(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": state is fields[0]
            return new Stat(int.Parse(fields[1], CultureInfo.InvariantCulture),
                long.Parse(fields[11], CultureInfo.InvariantCulture), long.Parse(fields[12], CultureInfo.InvariantCulture),
                long.Parse(fields[13], CultureInfo.InvariantCulture), long.Parse(fields[14], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}

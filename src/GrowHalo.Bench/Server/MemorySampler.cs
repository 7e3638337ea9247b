namespace GrowHalo.Bench.Server;

/// <summary>
/// A process's memory as the kernel counts it (/proc/PID/status): VmRSS sampled every 100 ms, and VmHWM, the peak
/// resident set since start or since the last <see cref="ResetPeak"/> (the kernel's own high-water mark, so a
/// short spike between two samples still counts).
/// </summary>
public sealed class MemorySampler : IDisposable
{
    private readonly int _pid;
    private readonly Timer _timer;
    private readonly List<(DateTimeOffset At, long RssBytes)> _samples = [];

    public MemorySampler(int pid)
    {
        _pid = pid;
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
    }

    /// <summary>Peak resident set (VmHWM) since start or the last reset; 0 when the process is gone.</summary>
    public long PeakBytes => Read("VmHWM:");

    public long CurrentBytes => Read("VmRSS:");

    /// <summary>Starts a new peak: the kernel's high-water mark is set back to the current resident set.</summary>
    public void ResetPeak()
    {
        try { File.WriteAllText($"/proc/{_pid}/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>The highest sampled resident set between two instants (for "does memory grow as the backlog is worked off").</summary>
    public long MaxSampledBetween(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_samples) return _samples.Where(s => s.At >= from && s.At <= to).Select(s => s.RssBytes).DefaultIfEmpty(0).Max();
    }

    /// <summary>Every resident-set sample so far (every 100 ms), oldest first.</summary>
    public IReadOnlyList<(DateTimeOffset At, long RssBytes)> Samples
    {
        get { lock (_samples) return _samples.ToList(); }
    }

    private void Sample()
    {
        var rss = Read("VmRSS:");
        if (rss > 0) lock (_samples) _samples.Add((DateTimeOffset.UtcNow, rss));
    }

    private long Read(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_pid}/status"))
                if (line.StartsWith(field, StringComparison.Ordinal))
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    public void Dispose() => _timer.Dispose();
}

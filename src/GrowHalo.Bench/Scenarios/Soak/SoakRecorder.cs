using System.Collections.Concurrent;
using System.Diagnostics;

namespace GrowHalo.Bench.Scenarios.Soak;

/// <summary>
/// Every request the soak sends: its kind, when it ended (seconds since the load started), how long it took, and
/// whether it got the answer it should; and the lag probes. Figures per time window come from these at the end.
/// </summary>
public sealed class SoakRecorder
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<Sample> _samples = new();
    private readonly ConcurrentQueue<(double At, double Seconds)> _lags = new();
    private readonly ConcurrentDictionary<string, int> _errors = new();

    public readonly record struct Sample(string Kind, double At, double Ms, bool Ok);

    /// <summary>Seconds since the load started.</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    public void Record(string kind, double startedAt, bool ok, string? error = null)
    {
        var now = Now;
        _samples.Enqueue(new Sample(kind, now, (now - startedAt) * 1000, ok));
        if (!ok && error is not null) _errors.AddOrUpdate($"{kind}: {error}", 1, (_, n) => n + 1);
    }

    public void RecordLag(double seconds) => _lags.Enqueue((Now, seconds));

    public IReadOnlyList<Sample> Samples => _samples.ToList();
    public IReadOnlyList<(double At, double Seconds)> Lags => _lags.ToList();

    /// <summary>What went wrong, by kind and answer, with how often (the first 200 characters of each answer).</summary>
    public IReadOnlyDictionary<string, int> Errors => new Dictionary<string, int>(_errors);

    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
    }
}

using System.Diagnostics;

namespace GrowHalo.Bench;

/// <summary>Stopwatch measurement: repeat an operation until both a minimum time and a minimum count are reached.</summary>
public static class Measure
{
    public sealed record Run(long Items, int Operations, TimeSpan Elapsed, IReadOnlyList<double> LatenciesMs)
    {
        public double PerSecond => Items / Elapsed.TotalSeconds;
        public double Percentile(double p)
        {
            var sorted = LatenciesMs.Order().ToList();
            return sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
        }
    }

    /// <param name="operation">Does one unit of work and returns how many items (events) it covered.</param>
    public static async Task<Run> RepeatAsync(Func<int, Task<int>> operation, TimeSpan atLeast, int minOperations, CancellationToken ct)
    {
        var latencies = new List<double>();
        long items = 0;
        var total = Stopwatch.StartNew();
        for (var i = 0; total.Elapsed < atLeast || i < minOperations; i++)
        {
            ct.ThrowIfCancellationRequested();
            var one = Stopwatch.StartNew();
            items += await operation(i);
            latencies.Add(one.Elapsed.TotalMilliseconds);
        }
        return new Run(items, latencies.Count, total.Elapsed, latencies);
    }
}

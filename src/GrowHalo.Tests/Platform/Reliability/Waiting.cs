using System.Diagnostics;

namespace GrowHalo.Tests.Platform.Reliability;

public static class Waiting
{
    /// <summary>Polls <paramref name="probe"/> every 25 ms until it holds; returns how long that took.</summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> probe, TimeSpan limit, Func<string> diagnostics)
    {
        var watch = Stopwatch.StartNew();
        while (!await probe())
        {
            if (watch.Elapsed > limit) throw new TimeoutException($"Not reached within {limit}.\n{diagnostics()}");
            await Task.Delay(25);
        }
        return watch.Elapsed;
    }
}

namespace GrowHalo.Simulator.StandIns;

/// <summary>Shopify's rate limiter: each call adds one (or its cost) to a bucket that leaks at a fixed rate.</summary>
public sealed class LeakyBucket(double size, double leakPerSecond, TimeProvider time)
{
    private readonly object _gate = new();
    private double _level;
    private long _at = time.GetTimestamp();

    /// <summary>Adds <paramref name="cost"/> if it fits; returns whether it did and the level afterwards.</summary>
    public (bool Allowed, double Level) TryAdd(double cost)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            _level = Math.Max(0, _level - time.GetElapsedTime(_at, now).TotalSeconds * leakPerSecond);
            _at = now;
            if (_level + cost > size) return (false, _level);
            _level += cost;
            return (true, _level);
        }
    }

    public double Size => size;
    public double LeakPerSecond => leakPerSecond;
}

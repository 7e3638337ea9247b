namespace GrowHalo.Tests.Platform.Tenancy;

/// <summary>Real time, moved forward on demand (timers keep real time, so the daemon is unaffected).</summary>
public sealed class ManualClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

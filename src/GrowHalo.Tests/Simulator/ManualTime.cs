namespace GrowHalo.Tests.Simulator;

/// <summary>A clock a test sets by hand: the instant the simulated world is shown at.</summary>
public sealed class ManualTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

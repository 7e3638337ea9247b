using GrowHalo.Platform.Events.Projections;

namespace GrowHalo.Tests.Platform.Events.Projections;

/// <summary>Reports synchronously (Progress&lt;T&gt; posts to the thread pool, after the call may have returned).</summary>
internal sealed class InlineProgress(Action<RebuildProgress> report) : IProgress<RebuildProgress>
{
    public void Report(RebuildProgress value) => report(value);
}

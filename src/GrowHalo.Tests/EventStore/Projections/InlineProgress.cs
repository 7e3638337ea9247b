using GrowHalo.EventStore.Projections;

namespace GrowHalo.Tests.EventStore.Projections;

/// <summary>Reports synchronously (Progress&lt;T&gt; posts to the thread pool, after the call may have returned).</summary>
internal sealed class InlineProgress(Action<RebuildProgress> report) : IProgress<RebuildProgress>
{
    public void Report(RebuildProgress value) => report(value);
}

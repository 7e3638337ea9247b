using GrowHalo.Platform.Events.Projections;
using JasperFx.Events;

namespace GrowHalo.Tests.Platform.Events.Projections;

/// <summary>
/// Another projection under the same name whose reset (the start of a rebuild, which by then holds the projection's
/// progress row and lock) waits until the test opens the gate: a rebuild that stays in progress as long as the test needs.
/// </summary>
public sealed class GatedProjection(ISqlProjection inner) : ISqlProjection
{
    private readonly TaskCompletionSource _resetting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => inner.Name;
    public int BatchSize => inner.BatchSize;

    /// <summary>Completes when a rebuild has reached the reset and is waiting at the gate.</summary>
    public Task Resetting => _resetting.Task;

    public void Open() => _gate.TrySetResult();

    public Task ApplyAsync(IReadOnlyList<IEvent> events, ProjectionContext context, CancellationToken ct) => inner.ApplyAsync(events, context, ct);

    public async Task ResetAsync(ProjectionContext context, string? tenantId, CancellationToken ct)
    {
        _resetting.TrySetResult();
        await _gate.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        await inner.ResetAsync(context, tenantId, ct);
    }
}

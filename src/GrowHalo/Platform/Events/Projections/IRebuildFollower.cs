namespace GrowHalo.Platform.Events.Projections;

/// <summary>
/// Something derived from the read models outside the projections (customer scores): told when a rebuild of a
/// projection, for one tenant or all (null), has replayed, so it can redo its part.
/// </summary>
public interface IRebuildFollower
{
    Task RebuiltAsync(string projection, string? tenantId, CancellationToken ct);
}

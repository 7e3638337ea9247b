using GrowHalo.Platform.Events.Projections;
using GrowHalo.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Analytics.Customers.Scoring;

/// <summary>
/// After a rebuild the read models are new, though their freshness may read older than the last scoring (replayed
/// events keep their times): the rebuilt tenants' runs are forgotten, so the background service (or the next endpoint
/// that shows scores) rescores them.
/// </summary>
internal sealed class ScoresAfterRebuild(TenantDatabases databases) : IRebuildFollower
{
    public Task RebuiltAsync(string projection, string? tenantId, CancellationToken ct) =>
        CustomerScoreLocks.ForgetRunsAsync(databases, tenantId, ct);
}

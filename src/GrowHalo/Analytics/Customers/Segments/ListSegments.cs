using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers.Segments;

/// <summary>GET /api/v1/segments: the tenant's segments by name, each with its rules as stored and its member count now.</summary>
public static class ListSegments
{
    public sealed record SegmentList(IReadOnlyList<SegmentResponse> Data);

    [WolverineGet("/api/v1/segments", OperationId = "ListSegments"), RequireScope(Scopes.Read), Tags("Segments")]
    public static async Task<Ok<SegmentList>> Get(RequestTenant tenant, TenantDatabases databases, TimeProvider clock, Scoring.CustomerScoring scoring, CancellationToken ct)
    {
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        await scoring.EnsureTodayAsync(db, tenant.Tenant, ct);
        var segments = await SegmentStore.ListAsync(db, ct);
        return TypedResults.Ok(new SegmentList(await SegmentStore.RespondAsync(db, segments, tenant, clock, ct)));
    }
}

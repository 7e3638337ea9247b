using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers.Segments;

/// <summary>GET /api/v1/segments/{id}: one of the tenant's segments, with its rules as stored and its member count now.</summary>
public static class GetSegment
{
    [WolverineGet("/api/v1/segments/{id:guid}", OperationId = "GetSegment"), RequireScope(Scopes.Read), Tags("Segments")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<Results<Ok<SegmentResponse>, ProblemHttpResult>> Get(Guid id, RequestTenant tenant, TenantDatabases databases,
        TimeProvider clock, Scoring.CustomerScoring scoring, CancellationToken ct)
    {
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        await scoring.EnsureTodayAsync(db, tenant.Tenant, ct);
        if (await SegmentStore.GetAsync(db, id, ct) is not { } segment) return SegmentStore.NotFound(id);
        return TypedResults.Ok((await SegmentStore.RespondAsync(db, [segment], tenant, clock, ct))[0]);
    }
}

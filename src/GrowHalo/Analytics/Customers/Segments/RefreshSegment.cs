using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers.Segments;

/// <summary>
/// POST /api/v1/segments/{id}/refresh: computes the segment's members now and answers how many and when. No
/// membership is stored (every answer computes it), so this writes nothing and a read key may call it.
/// </summary>
public static class RefreshSegment
{
    public sealed record Refreshed(Guid Id, long MemberCount, DateTimeOffset ComputedAt, DateTimeOffset? AsOf);

    [WolverinePost("/api/v1/segments/{id:guid}/refresh", OperationId = "RefreshSegment"), RequireScope(Scopes.Read), Tags("Segments")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<Results<Ok<Refreshed>, ProblemHttpResult>> Post(Guid id, RequestTenant tenant, TenantDatabases databases,
        TimeProvider clock, Scoring.CustomerScoring scoring, CancellationToken ct)
    {
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        await scoring.EnsureTodayAsync(db, tenant.Tenant, ct);
        if (await SegmentStore.GetAsync(db, id, ct) is not { } segment) return SegmentStore.NotFound(id);
        var answer = (await SegmentStore.RespondAsync(db, [segment], tenant, clock, ct))[0];
        return TypedResults.Ok(new Refreshed(id, answer.MemberCount, answer.ComputedAt, answer.AsOf));
    }
}

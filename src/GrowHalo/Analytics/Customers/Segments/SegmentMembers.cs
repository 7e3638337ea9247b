using GrowHalo.Platform.Http;
using GrowHalo.Analytics.Metrics;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers.Segments;

/// <summary>
/// GET /api/v1/segments/{id}/members: the customers who meet the segment's rules now, as rows, sorts, search and pages
/// of GET /api/v1/customers (<see cref="CustomerList"/>), with when they were computed. With <c>Accept: text/csv</c>:
/// every member as CSV, streamed (<see cref="MembersCsv"/>).
/// </summary>
public static class SegmentMembers
{
    public sealed record MembersPage(Guid SegmentId, IReadOnlyList<CustomerRow> Data, string? NextCursor, string Currency,
        DateTimeOffset ComputedAt, DateTimeOffset? AsOf);

    [WolverineGet("/api/v1/segments/{id:guid}/members", OperationId = "ListSegmentMembers"), RequireScope(Scopes.Read), Tags("Segments")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<Results<Ok<MembersPage>, MembersCsv, ValidationProblem, ProblemHttpResult>> Get(Guid id, string? search, string? sort,
        string? order, int? limit, string? cursor, HttpRequest request, RequestTenant tenant, TenantDatabases databases, TimeProvider clock,
        Scoring.CustomerScoring scoring, CancellationToken ct)
    {
        var csv = request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));
        var errors = new Validation();
        var list = CustomerList.Read(search, sort, order, limit, cursor, errors);
        if (csv && limit is not null) errors.Add("limit", "does not apply to CSV, which holds every member: leave it out.");
        if (csv && cursor is not null) errors.Add("cursor", "does not apply to CSV, which holds every member: leave it out.");
        if (list is null || !errors.IsValid) return errors.Problem();

        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);

        await scoring.EnsureTodayAsync(db, tenant.Tenant, ct);
        if (await SegmentStore.GetAsync(db, id, ct) is not { } segment) return SegmentStore.NotFound(id);
        if (csv) return new MembersCsv(segment, list, tenant, databases, clock);
        var computedAt = clock.GetUtcNow();
        var (rows, next) = await CustomerList.PageAsync(db, list, segment.Filter(tenant.Tenant.LocalDate(computedAt)), ct);
        return TypedResults.Ok(new MembersPage(id, rows, next, tenant.Tenant.Currency, computedAt, await Freshness.AsOfAsync(db, ct)));
    }
}

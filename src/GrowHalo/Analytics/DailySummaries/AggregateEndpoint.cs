using GrowHalo.Analytics.Metrics;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.DailySummaries;

/// <summary>POST /api/v1/metrics/aggregate (admin) {start_date, end_date}: recompute the range's daily summaries from the documents.</summary>
public static class AggregateEndpoint
{
    public sealed record AggregateRequest(string? StartDate, string? EndDate);

    public sealed record AggregateResponse(int DaysRecomputed, DateOnly StartDate, DateOnly EndDate);

    [WolverinePost("/api/v1/metrics/aggregate", OperationId = "MetricsAggregate"), RequireScope(Scopes.Admin)]
    public static async Task<Results<Ok<AggregateResponse>, ValidationProblem>> Post(AggregateRequest request, RequestTenant tenant,
        TenantDatabases databases, CancellationToken ct)
    {
        var errors = new Validation();
        // A JSON null body reaches a Wolverine endpoint as null (the minimal API answered 400 for it): it lacks both dates.
        var range = DateRange.Parse(request?.StartDate, request?.EndDate, errors, "start_date", "end_date");
        if (!errors.IsValid || range is null) return errors.Problem();
        var days = await DailySummaryRecompute.RecomputeRangeAsync(databases, tenant.Id, range.Start, range.End, ct);
        return TypedResults.Ok(new AggregateResponse(days, range.Start, range.End));
    }
}

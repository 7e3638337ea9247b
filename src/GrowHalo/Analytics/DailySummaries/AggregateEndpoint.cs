using GrowHalo.Analytics.Metrics;
using GrowHalo.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Analytics.DailySummaries;

/// <summary>POST /api/v1/metrics/aggregate (admin) {start_date, end_date}: recompute the range's daily summaries from the documents.</summary>
public static class AggregateEndpoint
{
    public sealed record AggregateRequest(string? StartDate, string? EndDate);

    public sealed record AggregateResponse(int DaysRecomputed, DateOnly StartDate, DateOnly EndDate);

    public static RouteHandlerBuilder MapAggregate(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/metrics/aggregate", Post).RequireScope(Scopes.Admin).WithName("MetricsAggregate");

    private static async Task<IResult> Post(AggregateRequest request, RequestTenant tenant, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var errors = new Validation();
        var range = DateRange.Parse(request.StartDate, request.EndDate, errors, "start_date", "end_date");
        if (!errors.IsValid || range is null) return errors.Problem();
        var days = await DailySummaryRecompute.RecomputeRangeAsync(dataSource, tenant.Id, range.Start, range.End, ct);
        return TypedResults.Ok(new AggregateResponse(days, range.Start, range.End));
    }
}

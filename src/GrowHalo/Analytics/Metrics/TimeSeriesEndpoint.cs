using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Metrics;

/// <summary>
/// GET /api/v1/metrics?start&amp;end&amp;granularity=daily|weekly|monthly&amp;metrics=revenue,roas: one entry per bucket
/// of the range, empty buckets included (zeros, null ratios). Buckets at the edges hold only the days inside the range;
/// each bucket's ratios are re-derived from its summed parts.
/// </summary>
public static class TimeSeriesEndpoint
{
    public sealed record SeriesResponse(IReadOnlyList<Dictionary<string, object?>> Data, string Granularity, IReadOnlyList<string> Metrics,
        DateOnly Start, DateOnly End, string Currency, DateTimeOffset? AsOf, IReadOnlyList<MissingFxRate> MissingFxRates);

    [WolverineGet("/api/v1/metrics", OperationId = "MetricsTimeSeries"), RequireScope(Scopes.Read)]
    public static async Task<Results<Ok<SeriesResponse>, ValidationProblem>> Get(string? start, string? end, string? granularity, string? metrics, RequestTenant tenant,
        TenantDatabases databases, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Validation();
        var range = start is null && end is null
            ? DateRange.LastDays(tenant.Tenant.LocalDate(clock.GetUtcNow()), 30)
            : DateRange.Parse(start, end, errors);
        granularity = string.IsNullOrWhiteSpace(granularity) ? "daily" : granularity.Trim();
        if (!Granularity.All.Contains(granularity))
            errors.Add("granularity", $"\"{granularity}\" is not a granularity. Allowed: {Validation.OneOf(Granularity.All)}.");
        var selected = string.IsNullOrWhiteSpace(metrics)
            ? MetricTotals.Names.ToList()
            : metrics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        var unknown = selected.Where(m => !MetricTotals.Names.Contains(m)).ToList();
        if (unknown.Count > 0)
            errors.Add("metrics", $"Unknown metric(s): {string.Join(", ", unknown)}. Allowed: {Validation.OneOf(MetricTotals.Names)}.");
        if (!errors.IsValid || range is null) return errors.Problem();

        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        var rows = await SummaryRows.ReadAsync(db, range.Start, range.End, ct);
        var byBucket = rows.GroupBy(r => Granularity.BucketOf(granularity, r.Day))
            .ToDictionary(g => g.Key, g => MetricTotals.Sum(g.Select(r => r.Totals)));
        var data = Granularity.Buckets(granularity, range).Select(bucket =>
        {
            var totals = byBucket.GetValueOrDefault(bucket, MetricTotals.Zero);
            var point = new Dictionary<string, object?> { ["date"] = bucket.ToString("yyyy-MM-dd") };
            foreach (var m in selected) point[m] = totals.Output(m);
            return point;
        }).ToList();
        return TypedResults.Ok(new SeriesResponse(data, granularity, selected, range.Start, range.End, tenant.Tenant.Currency,
            await Freshness.AsOfAsync(db, ct), MissingFxRates.From(rows, tenant.Tenant.Currency)));
    }
}

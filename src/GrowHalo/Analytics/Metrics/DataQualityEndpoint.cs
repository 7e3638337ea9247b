using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Metrics;

/// <summary>
/// GET /api/v1/metrics/data-quality: what the numbers leave out — currencies without an fx rate (all days), and
/// events the commerce projection could not read (recorded in projection_failures).
/// </summary>
public static class DataQualityEndpoint
{
    public sealed record FailedEvent(long Sequence, string EventType, string Error, DateTimeOffset FailedAt);

    public sealed record DataQualityResponse(string Currency, IReadOnlyList<MissingFxRate> MissingFxRates, long FailedEvents,
        IReadOnlyList<FailedEvent> RecentFailures, DateTimeOffset? AsOf);

    [WolverineGet("/api/v1/metrics/data-quality", OperationId = "MetricsDataQuality"), RequireScope(Scopes.Read)]
    public static async Task<Ok<DataQualityResponse>> Get(RequestTenant tenant, TenantDatabases databases, CancellationToken ct)
    {
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        var rows = await SummaryRows.ReadAsync(db, DateOnly.MinValue, DateOnly.MaxValue, ct);
        await using var cmd = db.Command("""
            select seq_id, event_type, error, failed_at, count(*) over ()
            from projection_failures where projection = 'commerce' and tenant_id = $1
            order by failed_at desc limit 20
            """, tenant.Id);
        var failures = new List<FailedEvent>();
        long total = 0;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                failures.Add(new FailedEvent(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3)));
                total = r.GetInt64(4);
            }
        return TypedResults.Ok(new DataQualityResponse(tenant.Tenant.Currency, MissingFxRates.From(rows, tenant.Tenant.Currency), total,
            failures, await Freshness.AsOfAsync(db, ct)));
    }
}

using GrowHalo.Analytics.Metrics;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers;

/// <summary>
/// GET /api/v1/analytics/repeat-rate?start=&amp;end= (default: the last 30 days): of the customers with a counted
/// order placed in the window (days in the tenant's time zone; anonymous orders have no customer and are left out),
/// how many placed two or more there (repeat), and how many had placed their first counted order before it
/// (returning). Rates are over the window's customers, null when there are none.
/// </summary>
public static class RepeatRateEndpoint
{
    public sealed record RepeatRate(DateOnly Start, DateOnly End, long Customers, long RepeatCustomers, decimal? RepeatCustomerRate,
        long ReturningCustomers, decimal? ReturningCustomerRate, DateTimeOffset? AsOf);

    [WolverineGet("/api/v1/analytics/repeat-rate", OperationId = "AnalyticsRepeatRate"), RequireScope(Scopes.Read), Tags("Analytics")]
    public static async Task<Results<Ok<RepeatRate>, ValidationProblem>> Get(string? start, string? end, RequestTenant tenant,
        TenantDatabases databases, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Validation();
        var range = start is null && end is null
            ? DateRange.LastDays(tenant.Tenant.LocalDate(clock.GetUtcNow()), 30)
            : DateRange.Parse(start, end, errors);
        if (!errors.IsValid || range is null) return errors.Problem();

        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        // customers.first_order_day is the day of the customer's first counted order (kept by the commerce projection).
        await using var cmd = db.Command("""
            with window_customers as (
                select customer_key, count(*) as orders
                from orders
                where tenant_id = $1 and counted and customer_key is not null and placed_day between $2 and $3
                group by customer_key)
            select count(*),
                   count(*) filter (where w.orders >= 2),
                   count(*) filter (where c.first_order_day < $2)
            from window_customers w
            left join customers c on c.tenant_id = $1 and c.customer_key = w.customer_key
            """, tenant.Id, range.Start, range.End);
        long customers = 0, repeat = 0, returning = 0;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) (customers, repeat, returning) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
        return TypedResults.Ok(new RepeatRate(range.Start, range.End, customers, repeat, Rate(repeat, customers), returning,
            Rate(returning, customers), await Freshness.AsOfAsync(db, ct)));
    }

    private static decimal? Rate(long part, long whole) => whole == 0 ? null : Rounding.Ratio((decimal)part / whole);
}

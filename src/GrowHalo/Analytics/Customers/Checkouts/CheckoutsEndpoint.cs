using GrowHalo.Analytics.Metrics;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers.Checkouts;

/// <summary>
/// GET /api/v1/analytics/checkouts?start=&amp;end=&amp;limit=50 (default: the last 30 days): of the checkouts started in
/// the window (tenant days), how many were completed within the cutoff, are still open (within it), were abandoned,
/// and were recovered (<see cref="CheckoutOutcomes"/>); the abandoned checkouts' value and the net revenue of the
/// orders that recovered them, in the reporting currency; the window's funnel (carts created, checkouts started,
/// counted orders placed); and the abandoned checkouts, newest first.
/// </summary>
public static class CheckoutsEndpoint
{
    public sealed record Funnel(long Carts, long Checkouts, long Orders);

    public sealed record AbandonedCheckout(string CheckoutId, string? AbandonedCheckoutUrl, string? CustomerKey, string? Email,
        decimal Value, string Currency, DateTimeOffset CreatedAt, DateTimeOffset AbandonedAt, long AgeHours, bool Recovered,
        string? RecoveringOrderId, string? RecoveredBy, DateTimeOffset? RecoveredAt);

    public sealed record CheckoutsAnswer(DateOnly Start, DateOnly End, int AbandonedCheckoutMinutes, int RecoveryWindowDays,
        long Started, long Completed, long Open, long Abandoned, long Recovered, decimal? RecoveryRate, decimal AbandonedValue,
        decimal RecoveredRevenue, bool MissingFxRates, Funnel Funnel, IReadOnlyList<AbandonedCheckout> Data, string Currency,
        DateTimeOffset? AsOf);

    public const int DefaultLimit = 50, MaxLimit = 500;

    // $1 tenant, $2 now, $3/$4 first and last day, $5 reporting currency, $6 the tenant's time zone.
    private const string Scoped = """
        with scoped_checkouts as (
            select c.* from checkouts c
            where c.tenant_id = $1
              and c.created_at >= $3::date::timestamp at time zone $6
              and c.created_at < ($4::date + 1)::timestamp at time zone $6),
        """;

    // Each amount at its own day's rate; one without a rate is left out, and missing_fx_rates says so.
    private const string Summary = Scoped + CheckoutOutcomes.Ctes + """
        ,
        abandoned as (
            select o.*, case when coalesce(o.currency, $5) = $5 then 1
                             else fx_rate($1, (o.created_at at time zone $6)::date, o.currency, $5) end as rate
            from checkout_outcomes o where o.outcome = 'abandoned'),
        recovering as (
            select o.order_id, o.total_price,
                   case when coalesce(o.currency, $5) = $5 then 1 else fx_rate($1, o.placed_day, o.currency, $5) end as rate,
                   (select sum(r.amount * case when coalesce(o.currency, $5) = $5 then 1
                                                else fx_rate($1, r.refund_day, o.currency, $5) end)
                    from order_refunds r where r.tenant_id = $1 and r.order_id = o.order_id) as refunds,
                   exists (select 1 from order_refunds r where r.tenant_id = $1 and r.order_id = o.order_id
                           and coalesce(o.currency, $5) <> $5 and fx_rate($1, r.refund_day, o.currency, $5) is null) as refund_missing
            from orders o
            where o.tenant_id = $1 and o.order_id in (select recovering_order_id from abandoned))
        select (select count(*) from checkout_outcomes),
               (select count(*) from checkout_outcomes where outcome = 'completed'),
               (select count(*) from checkout_outcomes where outcome = 'open'),
               (select count(*) from abandoned),
               (select count(*) from abandoned where recovering_order_id is not null),
               (select coalesce(sum(total_price * rate), 0) from abandoned),
               (select coalesce(sum(total_price * rate - coalesce(refunds, 0)), 0) from recovering),
               (select coalesce(bool_or(rate is null), false) from abandoned)
                 or (select coalesce(bool_or(rate is null or refund_missing), false) from recovering),
               (select count(*) from carts where tenant_id = $1
                  and created_at >= $3::date::timestamp at time zone $6 and created_at < ($4::date + 1)::timestamp at time zone $6),
               (select count(*) from orders where tenant_id = $1 and counted and placed_day between $3 and $4)
        """;

    private const string Rows = Scoped + CheckoutOutcomes.Ctes + """
        select checkout_id, recovery_url, customer_key, email, total_price, coalesce(currency, $5), created_at, abandoned_at,
               recovering_order_id, recovered_by, recovered_at
        from checkout_outcomes
        where outcome = 'abandoned'
        order by created_at desc, checkout_id desc
        limit $7
        """;

    [WolverineGet("/api/v1/analytics/checkouts", OperationId = "AnalyticsCheckouts"), RequireScope(Scopes.Read), Tags("Analytics")]
    public static async Task<Results<Ok<CheckoutsAnswer>, ValidationProblem>> Get(string? start, string? end, int? limit,
        RequestTenant tenant, TenantDatabases databases, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Validation();
        if (limit is < 1 or > MaxLimit) errors.Add("limit", $"must be between 1 and {MaxLimit} (default {DefaultLimit}), got {limit}.");
        var now = clock.GetUtcNow();
        var range = start is null && end is null
            ? DateRange.LastDays(tenant.Tenant.LocalDate(now), 30)
            : DateRange.Parse(start, end, errors);
        if (!errors.IsValid || range is null) return errors.Problem();

        var t = tenant.Tenant;
        await using var db = await TenantDb.BeginAsync(databases, t.Id, ct);
        object[] args = [t.Id, now, range.Start, range.End, t.Currency, t.TimeZone];
        await using var summary = db.Command(Summary, args);
        var answer = new CheckoutsAnswer(range.Start, range.End, t.AbandonedCheckoutMinutes, t.RecoveryWindowDays, 0, 0, 0, 0, 0,
            null, 0m, 0m, false, new Funnel(0, 0, 0), [], t.Currency, null);
        await using (var r = await summary.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct))
            {
                var (abandoned, recovered) = (r.GetInt64(3), r.GetInt64(4));
                answer = answer with
                {
                    Started = r.GetInt64(0), Completed = r.GetInt64(1), Open = r.GetInt64(2), Abandoned = abandoned, Recovered = recovered,
                    RecoveryRate = abandoned == 0 ? null : Rounding.Ratio((decimal)recovered / abandoned),
                    AbandonedValue = Rounding.Money(r.GetDecimal(5)), RecoveredRevenue = Rounding.Money(r.GetDecimal(6)),
                    MissingFxRates = r.GetBoolean(7), Funnel = new Funnel(r.GetInt64(8), r.GetInt64(0), r.GetInt64(9)),
                };
            }

        await using var rows = db.Command(Rows, [.. args, limit ?? DefaultLimit]);
        var data = new List<AbandonedCheckout>();
        await using (var r = await rows.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                var created = r.GetFieldValue<DateTimeOffset>(6);
                data.Add(new AbandonedCheckout(r.GetString(0), Text(r, 1), Text(r, 2), Text(r, 3), Rounding.Money(r.GetDecimal(4)),
                    r.GetString(5), created, r.GetFieldValue<DateTimeOffset>(7), (long)Math.Floor((now - created).TotalHours),
                    !r.IsDBNull(8), Text(r, 8), Text(r, 9), r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10)));
            }
        return TypedResults.Ok(answer with { Data = data, AsOf = await Freshness.AsOfAsync(db, ct) });
    }

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}

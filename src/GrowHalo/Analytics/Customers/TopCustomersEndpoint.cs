using GrowHalo.Analytics.Metrics;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers;

/// <summary>
/// GET /api/v1/analytics/top-customers?limit=5[&amp;start=&amp;end=]: customers by lifetime net revenue, or, with a
/// window, by the net revenue of their counted orders placed in it (<c>window_revenue</c>: each order's total minus
/// its refunds, at its own days' rates); ties by customer key. Rows carry their RFM and churn scores, as in /customers.
/// </summary>
public static class TopCustomersEndpoint
{
    public sealed record TopCustomers(IReadOnlyList<CustomerRow> Data, DateOnly? Start, DateOnly? End, string Currency, DateTimeOffset? AsOf);

    private const string Lifetime = $"""
        select {CustomerRow.Columns}, null::numeric
        from customers c
        where c.tenant_id = $1 and c.orders_count > 0
        order by c.lifetime_spend desc, c.customer_key
        limit $2
        """;

    // An amount without an exchange rate is left out of window_revenue (and the row says missing_fx_rates).
    private const string Windowed = $"""
        with win as ({OrderNetRevenue.PerCustomer})
        select {CustomerRow.Columns}, w.revenue, w.missing
        from win w join customers c on c.tenant_id = $1 and c.customer_key = w.customer_key
        order by w.revenue desc nulls last, c.customer_key
        limit $2
        """;

    [WolverineGet("/api/v1/analytics/top-customers", OperationId = "AnalyticsTopCustomers"), RequireScope(Scopes.Read), Tags("Analytics")]
    public static async Task<Results<Ok<TopCustomers>, ValidationProblem>> Get(int? limit, string? start, string? end,
        RequestTenant tenant, TenantDatabases databases, Scoring.CustomerScoring scoring, CancellationToken ct)
    {
        var errors = new Validation();
        if (limit is < 1 or > 100) errors.Add("limit", $"must be between 1 and 100 (default 5), got {limit}.");
        var range = start is null && end is null ? null : DateRange.Parse(start, end, errors);
        if (!errors.IsValid) return errors.Problem();

        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        await scoring.EnsureTodayAsync(db, tenant.Tenant, ct);
        await using var cmd = range is null
            ? db.Command(Lifetime, tenant.Id, limit ?? 5)
            : db.Command(Windowed, tenant.Id, limit ?? 5, range.Start, range.End, tenant.Tenant.Currency, DateOnly.MaxValue);
        var rows = new List<CustomerRow>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                var row = CustomerRow.Read(r);
                rows.Add(range is null ? row : row with
                {
                    WindowRevenue = r.IsDBNull(CustomerRow.ColumnCount) ? 0m : Rounding.Money(r.GetDecimal(CustomerRow.ColumnCount)),
                    MissingFxRates = row.MissingFxRates || r.GetBoolean(CustomerRow.ColumnCount + 1),
                });
            }
        return TypedResults.Ok(new TopCustomers(rows, range?.Start, range?.End, tenant.Tenant.Currency, await Freshness.AsOfAsync(db, ct)));
    }
}

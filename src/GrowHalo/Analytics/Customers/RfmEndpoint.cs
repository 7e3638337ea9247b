using GrowHalo.Analytics.Metrics;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers;

/// <summary>
/// GET /api/v1/analytics/rfm[?as_of=]: the customers with a counted order up to <c>as_of</c> (default today in the
/// tenant's time zone), scored 1–5 on recency (days from the last counted order to as_of; fewer is better),
/// frequency (counted orders) and monetary value (their net revenue, refunds up to as_of), as <see cref="RfmScores"/>
/// defines them: score = 1 + ⌊5 × w ÷ n⌋, w the customers strictly worse on that measure, n all of them, so equal values
/// score equally. Answers the R×F grid
/// (25 cells) and the segments of <see cref="RfmSegments"/>.
/// </summary>
public static class RfmEndpoint
{
    public sealed record Cell(int R, int F, long Customers, decimal Revenue);

    public sealed record Segment(string Name, long Customers, decimal Revenue, decimal? Share, string Rule);

    public sealed record Rfm(DateOnly AsOf, long Customers, IReadOnlyList<Cell> Grid, IReadOnlyList<Segment> Segments, string Currency,
        DateTimeOffset? DataAsOf);

    // Customers with equal last day and equal count score alike, so they are scored a (last day, count) pair at a time:
    // the customers strictly worse on a measure (rank() − 1 over an ordering from worse to better) are the running sum
    // of the pairs before its value: the same scores as RfmScores.OverFacts gives each customer (a test checks the grid
    // agrees with the customers' scores). FACTS yields customer_key, orders, last_day, revenue.
    private const string Scored = """
        pairs as (select last_day, orders, count(*) as n, coalesce(sum(revenue), 0) as revenue from facts group by 1, 2),
        total as (select sum(n) as n from pairs),
        by_day as (select last_day, sum(n) as n from pairs group by 1),
        recency as (select d.last_day, 1 + floor(5.0 * (sum(d.n) over (order by d.last_day) - d.n) / t.n)::int as r from by_day d, total t),
        by_orders as (select orders, sum(n) as n from pairs group by 1),
        frequency as (select o.orders, 1 + floor(5.0 * (sum(o.n) over (order by o.orders) - o.n) / t.n)::int as f from by_orders o, total t)
        select r, f, sum(p.n)::bigint, sum(p.revenue), (select max(last_day) from pairs)
        from pairs p join recency using (last_day) join frequency using (orders)
        group by r, f
        """;

    // As of a past day, from the orders placed and refunds made up to it.
    private const string FromOrders = $"with facts as ({OrderNetRevenue.PerCustomer}),\n{Scored}";

    // As of a day no counted order is placed after and no refund made after (today, as a rule): every customer's
    // counted orders, last day and net revenue are the customers' facts, which the commerce projection keeps. Whether
    // an order is later shows in the answer (its last column, the latest last day); whether a refund is, beforehand.
    private const string FromFacts = $"""
        with facts as (
            select customer_key, orders_count as orders, last_order_day as last_day, lifetime_spend as revenue
            from customers where tenant_id = $1 and orders_count > 0),
        {Scored}
        """;

    private const string RefundsLater = "select exists (select 1 from order_refunds where tenant_id = $1 and refund_day > $2)";

    [WolverineGet("/api/v1/analytics/rfm", OperationId = "AnalyticsRfm"), RequireScope(Scopes.Read), Tags("Analytics")]
    public static async Task<Results<Ok<Rfm>, ValidationProblem>> Get([Microsoft.AspNetCore.Mvc.FromQuery(Name = "as_of")] string? asOf,
        RequestTenant tenant, TenantDatabases databases, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Validation();
        var day = tenant.Tenant.LocalDate(clock.GetUtcNow());
        if (asOf is not null && !DateOnly.TryParseExact(asOf, "yyyy-MM-dd", out day))
            errors.Add("as_of", $"\"{asOf}\" is not a date: use YYYY-MM-DD (default: today in the tenant's time zone).");
        if (!errors.IsValid) return errors.Problem();

        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        var cells = await CellsFromFactsAsync(db, tenant.Id, day, ct)
            ?? (await CellsAsync(db.Command(FromOrders, tenant.Id, 0, DateOnly.MinValue, day, tenant.Tenant.Currency, day), ct)).Cells;
        var grid = (from rScore in Enumerable.Range(1, 5).Reverse() from fScore in Enumerable.Range(1, 5)
                    select cells.GetValueOrDefault((rScore, fScore), new Cell(rScore, fScore, 0, 0))).ToList();
        var total = grid.Sum(c => c.Customers);
        var segments = RfmSegments.All.Select(s =>
        {
            var members = grid.Where(c => s.Contains(c.R, c.F)).ToList();
            var count = members.Sum(c => c.Customers);
            return new Segment(s.Name, count, members.Sum(c => c.Revenue), total == 0 ? null : Rounding.Ratio((decimal)count / total), s.Rule);
        }).ToList();
        return TypedResults.Ok(new Rfm(day, total, grid, segments, tenant.Tenant.Currency, await Freshness.AsOfAsync(db, ct)));
    }

    /// <summary>The grid from the customers' facts, or null when something counted happened after <paramref name="day"/>.</summary>
    private static async Task<Dictionary<(int R, int F), Cell>?> CellsFromFactsAsync(TenantDb db, string tenantId, DateOnly day, CancellationToken ct)
    {
        await using (var refunds = db.Command(RefundsLater, tenantId, day))
            if ((bool)(await refunds.ExecuteScalarAsync(ct))!) return null;
        var (cells, lastDay) = await CellsAsync(db.Command(FromFacts, tenantId), ct);
        return lastDay > day ? null : cells;
    }

    private static async Task<(Dictionary<(int R, int F), Cell> Cells, DateOnly? LastDay)> CellsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var cmd = command;
        var cells = new Dictionary<(int R, int F), Cell>();
        DateOnly? lastDay = null;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            cells[(r.GetInt32(0), r.GetInt32(1))] = new Cell(r.GetInt32(0), r.GetInt32(1), r.GetInt64(2), Rounding.Money(r.GetDecimal(3)));
            lastDay = r.GetFieldValue<DateOnly>(4);
        }
        return (cells, lastDay);
    }
}

/// <summary>
/// The segment map over the R×F grid: every one of the 25 cells belongs to exactly one segment (a test checks it).
/// </summary>
public static class RfmSegments
{
    public sealed record Definition(string Name, string Rule, Func<int, int, bool> Contains);

    public static readonly IReadOnlyList<Definition> All =
    [
        new("Champions", "R 4–5, F 4–5", (r, f) => r >= 4 && f >= 4),
        new("Loyal", "R 3, F 3–5; R 4–5, F 3", (r, f) => (r == 3 && f >= 3) || (r >= 4 && f == 3)),
        new("Potential loyalists", "R 4–5, F 2", (r, f) => r >= 4 && f == 2),
        new("New", "R 5, F 1", (r, f) => r == 5 && f == 1),
        new("Promising", "R 4, F 1", (r, f) => r == 4 && f == 1),
        new("Needs attention", "R 3, F 1–2", (r, f) => r == 3 && f <= 2),
        new("At risk", "R 1–2, F 3–4", (r, f) => r <= 2 && f is 3 or 4),
        new("Can't lose them", "R 1–2, F 5", (r, f) => r <= 2 && f == 5),
        new("Hibernating", "R 2, F 1–2", (r, f) => r == 2 && f <= 2),
        new("Lost", "R 1, F 1–2", (r, f) => r == 1 && f <= 2),
    ];

    public static string NameOf(int r, int f) => All.First(s => s.Contains(r, f)).Name;
}

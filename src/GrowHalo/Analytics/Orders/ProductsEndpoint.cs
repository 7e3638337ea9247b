using GrowHalo.Analytics.Metrics;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Orders;

/// <summary>
/// GET /api/v1/products?start=&amp;end=&amp;sort=revenue|units&amp;limit=50: what each product sold in counted orders
/// placed in the window (tenant days). A line's gross is its unit price × quantity. Shopify refunds as GrowHalo keeps
/// them carry no line detail, so each order's refunds (all received so far, whenever issued) are spread over its
/// lines in proportion to their gross, capped at the lines' gross (a refund that also returns tax or shipping
/// refunds the lines fully, never below zero): net_revenue = gross − that share. Amounts are in the reporting
/// currency, lines at the rate of the order's placed day and refunds at their own day's rate (<c>fx_rate</c>, as
/// customers' revenue); an amount without a rate is left out and missing_fx_rates says so. Units are units sold
/// (refunds, lacking line detail, do not reduce them).
/// </summary>
public static class ProductsEndpoint
{
    public sealed record ProductSales(IReadOnlyList<ProductRow> Data, DateOnly Start, DateOnly End, string Sort, string Currency, DateTimeOffset? AsOf);

    /// <summary>One product (product_id null: custom lines without a product, one row per title).</summary>
    public sealed record ProductRow(string? ProductId, string? Title, long UnitsSold, long Orders, decimal GrossRevenue, decimal Refunds,
        decimal NetRevenue, bool MissingFxRates);

    public static readonly IReadOnlyList<string> Sorts = ["revenue", "units"];

    private const string Sql = """
        with ord as (
            select o.order_id, o.line_items,
                   case when coalesce(o.currency, $4) = $4 then 1 else fx_rate($1, o.placed_day, o.currency, $4) end as rate,
                   rf.amount as refunds, coalesce(rf.missing, false) as refunds_missing
            from orders o
            left join lateral (
                select sum(x.amount * x.rate) as amount, bool_or(x.rate is null) as missing
                from (select r.amount, case when coalesce(o.currency, $4) = $4 then 1
                                            else fx_rate($1, r.refund_day, o.currency, $4) end as rate
                      from order_refunds r where r.tenant_id = o.tenant_id and r.order_id = o.order_id) x) rf on true
            where o.tenant_id = $1 and o.counted and o.placed_day between $2 and $3),
        line as (
            select ord.order_id, ord.rate, ord.refunds, ord.refunds_missing,
                   nullif(li->>'product_id', '') as product_id, li->>'title' as title,
                   coalesce((li->>'quantity')::numeric, 0) as quantity,
                   coalesce((li->>'price')::numeric, 0) * coalesce((li->>'quantity')::numeric, 0) as gross
            from ord cross join lateral jsonb_array_elements(ord.line_items) li),
        valued as (
            select l.product_id, case when l.product_id is null then l.title end as custom_title, l.title, l.order_id, l.quantity,
                   l.gross * l.rate as gross_rep,
                   case when l.rate is null then null
                        when sum(l.gross) over (partition by l.order_id) = 0 then 0
                        else least(coalesce(l.refunds, 0), sum(l.gross) over (partition by l.order_id) * l.rate)
                             * l.gross / sum(l.gross) over (partition by l.order_id) end as refund_rep,
                   l.rate is null or l.refunds_missing as missing
            from line l)
        select v.product_id, coalesce(max(p.title), max(v.title)), sum(v.quantity)::bigint, count(distinct v.order_id),
               coalesce(sum(v.gross_rep), 0), coalesce(sum(v.refund_rep), 0), coalesce(sum(v.gross_rep - v.refund_rep), 0), bool_or(v.missing)
        from valued v left join products p on p.tenant_id = $1 and p.product_id = v.product_id
        group by v.product_id, v.custom_title
        order by case when $5 = 'units' then sum(v.quantity) else coalesce(sum(v.gross_rep - v.refund_rep), 0) end desc,
                 v.product_id nulls last, v.custom_title
        limit $6
        """;

    [WolverineGet("/api/v1/products", OperationId = "ListProductSales"), RequireScope(Scopes.Read), Tags("Orders")]
    public static async Task<Results<Ok<ProductSales>, ValidationProblem>> Get(string? start, string? end, string? sort, int? limit,
        RequestTenant tenant, TenantDatabases databases, CancellationToken ct)
    {
        var errors = new Validation();
        var range = DateRange.Parse(start, end, errors);
        sort ??= "revenue";
        if (!Sorts.Contains(sort)) errors.Add("sort", $"\"{sort}\" is not a sort. Allowed: {Validation.OneOf(Sorts)}.");
        if (limit is < 1 or > 200) errors.Add("limit", $"must be between 1 and 200 (default 50), got {limit}.");
        if (!errors.IsValid || range is null) return errors.Problem();

        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        await using var cmd = db.Command(Sql, tenant.Id, range.Start, range.End, tenant.Tenant.Currency, sort, limit ?? 50);
        var rows = new List<ProductRow>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                rows.Add(new ProductRow(r.IsDBNull(0) ? null : r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2), r.GetInt64(3),
                    Rounding.Money(r.GetDecimal(4)), Rounding.Money(r.GetDecimal(5)), Rounding.Money(r.GetDecimal(6)), r.GetBoolean(7)));
        return TypedResults.Ok(new ProductSales(rows, range.Start, range.End, sort, tenant.Tenant.Currency, await Freshness.AsOfAsync(db, ct)));
    }
}

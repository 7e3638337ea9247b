using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Metrics;

/// <summary>
/// GET /api/v1/metrics/ad-spend?start&amp;end&amp;group_by=source|campaign. Two ROAS, never mixed:
/// <c>platform_roas</c> is the platform's own reported conversion value ÷ its spend; <c>blended_roas</c> is the store's
/// net revenue ÷ all ad spend in the window (the same on every row: GrowHalo does not attribute orders to ads).
/// <c>revenue</c> on a row is the store's revenue allocated by the row's share of spend, so rows add up to the store's
/// revenue. <c>roas</c> repeats blended_roas for v1 clients.
/// </summary>
public static class AdSpendBreakdownEndpoint
{
    public static readonly IReadOnlyList<string> GroupBys = ["source", "campaign"];

    public sealed record AdSpendRowResponse(string Source, string? CampaignId, string? CampaignName, decimal AdSpend, long Impressions,
        long Clicks, decimal Conversions, decimal ConversionValue, decimal? PlatformRoas, decimal? Revenue, decimal? BlendedRoas,
        decimal? Roas, decimal? PctOfTotal);

    public sealed record AdSpendResponse(IReadOnlyList<AdSpendRowResponse> Data, string GroupBy, DateOnly Start, DateOnly End,
        decimal TotalAdSpend, decimal Revenue, decimal? BlendedRoas, string Currency, DateTimeOffset? AsOf, IReadOnlyList<MissingFxRate> MissingFxRates);

    private sealed record Group(string Source, string? CampaignId, string? CampaignName, decimal Spend, long Impressions, long Clicks,
        decimal Conversions, decimal ConversionValue);

    [WolverineGet("/api/v1/metrics/ad-spend", OperationId = "MetricsAdSpend"), RequireScope(Scopes.Read)]
    public static async Task<Results<Ok<AdSpendResponse>, ValidationProblem>> Get(string? start, string? end, [FromQuery(Name = "group_by")] string? groupBy, RequestTenant tenant, TenantDatabases databases,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = new Validation();
        var range = start is null && end is null
            ? DateRange.LastDays(tenant.Tenant.LocalDate(clock.GetUtcNow()), 30)
            : DateRange.Parse(start, end, errors);
        groupBy = string.IsNullOrWhiteSpace(groupBy) ? "source" : groupBy.Trim();
        if (!GroupBys.Contains(groupBy))
            errors.Add("group_by", $"\"{groupBy}\" is not a grouping. Allowed: {Validation.OneOf(GroupBys)}.");
        if (!errors.IsValid || range is null) return errors.Problem();

        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        var groups = await ReadGroupsAsync(db, range, groupBy == "campaign", ct);
        var rows = await SummaryRows.ReadAsync(db, range.Start, range.End, ct);
        var revenue = MetricTotals.Sum(rows.Select(r => r.Totals)).Revenue;
        var total = groups.Sum(g => g.Spend);
        decimal? blended = total == 0 ? null : revenue / total;
        var data = groups.Select(g => new AdSpendRowResponse(g.Source, g.CampaignId, g.CampaignName, Rounding.Money(g.Spend), g.Impressions,
            g.Clicks, g.Conversions, Rounding.Money(g.ConversionValue), Rounding.Ratio(g.Spend == 0 ? null : g.ConversionValue / g.Spend),
            Rounding.Money(total == 0 ? null : revenue * g.Spend / total), Rounding.Ratio(blended), Rounding.Ratio(blended),
            Rounding.Percent(total == 0 ? null : g.Spend / total * 100))).ToList();
        return TypedResults.Ok(new AdSpendResponse(data, groupBy, range.Start, range.End, Rounding.Money(total), Rounding.Money(revenue),
            Rounding.Ratio(blended), tenant.Tenant.Currency, await Freshness.AsOfAsync(db, ct), MissingFxRates.From(rows, tenant.Tenant.Currency)));
    }

    /// <summary>Spend and conversion value converted at each day's rate (amounts without one are left out and reported).</summary>
    private static async Task<List<Group>> ReadGroupsAsync(TenantDb db, DateRange range, bool byCampaign, CancellationToken ct)
    {
        await using var cmd = db.Command("""
            with t as (select coalesce((select currency from tenants where id = $1), 'USD') as reporting),
            rows as (
                select a.*, case when coalesce(a.currency, t.reporting) = t.reporting then 1
                                 else fx_rate(a.tenant_id, a.day, a.currency, t.reporting) end as rate
                from ad_spend a cross join t
                where a.tenant_id = $1 and a.day between $2 and $3)
            select platform, case when $4 then campaign_id end as campaign_id,
                   case when $4 then (array_agg(campaign_name order by day desc) filter (where campaign_name is not null))[1] end,
                   coalesce(sum(spend * rate), 0), sum(impressions)::bigint, sum(clicks)::bigint, sum(conversions),
                   coalesce(sum(conversion_value * rate), 0)
            from rows
            group by 1, 2
            order by 4 desc, 1, 2
            """, db.TenantId, range.Start, range.End, byCampaign);
        var groups = new List<Group>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            groups.Add(new Group(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                r.GetDecimal(3), r.GetInt64(4), r.GetInt64(5), r.GetDecimal(6), r.GetDecimal(7)));
        return groups;
    }
}

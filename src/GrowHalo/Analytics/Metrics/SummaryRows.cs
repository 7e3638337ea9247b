using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Analytics.Metrics;

/// <summary>One stored daily summary: its parts, and the currencies it could not convert.</summary>
public sealed record SummaryRow(DateOnly Day, MetricTotals Totals, IReadOnlyList<string> MissingFxRates);

/// <summary>Reads a tenant's daily summaries for a range (at most a few thousand rows: the primary key serves it).</summary>
public static class SummaryRows
{
    public static async Task<List<SummaryRow>> ReadAsync(TenantDb db, DateOnly start, DateOnly end, CancellationToken ct)
    {
        await using var cmd = db.Command("""
            select day, revenue, gross_revenue, refunds, orders_count, new_customers, ad_spend, missing_fx_rates
            from daily_summaries where tenant_id = $1 and day between $2 and $3 order by day
            """, db.TenantId, start, end);
        var rows = new List<SummaryRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new SummaryRow(r.GetFieldValue<DateOnly>(0),
                new MetricTotals(r.GetDecimal(1), r.GetDecimal(2), r.GetDecimal(3), r.GetInt32(4), r.GetInt32(5), r.GetDecimal(6)),
                r.GetFieldValue<string[]>(7)));
        return rows;
    }
}

/// <summary>A currency that had amounts on some days but no rate into the reporting currency: those amounts are left out.</summary>
public sealed record MissingFxRate(string Currency, string ReportingCurrency, DateOnly FirstDate, DateOnly LastDate, int Days);

public static class MissingFxRates
{
    public static List<MissingFxRate> From(IEnumerable<SummaryRow> rows, string reportingCurrency) =>
        rows.SelectMany(r => r.MissingFxRates.Select(c => (Currency: c, r.Day)))
            .GroupBy(x => x.Currency)
            .Select(g => new MissingFxRate(g.Key, reportingCurrency, g.Min(x => x.Day), g.Max(x => x.Day), g.Count()))
            .OrderBy(m => m.Currency, StringComparer.Ordinal)
            .ToList();
}

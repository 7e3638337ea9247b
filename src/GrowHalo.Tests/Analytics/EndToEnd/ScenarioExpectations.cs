using GrowHalo.Tests.Modeling;

namespace GrowHalo.Tests.Analytics.EndToEnd;

/// <summary>One day's additive facts, in USD, computed from the scenario alone.</summary>
public sealed record ExpectedDay(decimal Gross, decimal Refunds, long Orders, long NewCustomers, decimal AdSpend)
{
    public static readonly ExpectedDay Empty = new(0m, 0m, 0, 0, 0m);
    public ExpectedDay Plus(ExpectedDay o) => new(Gross + o.Gross, Refunds + o.Refunds, Orders + o.Orders, NewCustomers + o.NewCustomers, AdSpend + o.AdSpend);
}

public sealed record ExpectedAdRow(string Platform, string Campaign, DateOnly Day, decimal Spend, long Impressions, long Clicks, decimal ConversionValue);

/// <summary>
/// The metric definitions applied to the scenario in plain C#, independent of GrowHalo's SQL: latest version by
/// updated_at, counted orders, refunds by refund day (of counted orders), first counted order per customer key,
/// the last-arrived row per ad day, CAD converted at each day's rate.
/// </summary>
public sealed class ScenarioExpectations
{
    public Dictionary<DateOnly, ExpectedDay> Days { get; } = [];
    public List<ExpectedAdRow> Ads { get; } = [];
    public Dictionary<string, (long Orders, DateOnly FirstDay, decimal LifetimeSpend)> Customers { get; } = [];
    public int Cancelled, TestOrVoided, Refunds, Guests, Versions, LateRestatements;

    public ScenarioExpectations(Scenario s)
    {
        decimal Rate(string? currency, DateOnly day) => currency is null or "USD" ? 1m : s.CadToUsd[day];
        var finals = s.OrderVersions.GroupBy(v => v.Id).ToDictionary(g => g.Key, g => g.First(v => v.Updated == g.Max(x => x.Updated)));
        static bool Counted(OrderSpec o) => !o.Test && o.CancelledAt is null && o.FinancialStatus != "voided";

        foreach (var o in finals.Values.Where(Counted))
            Add(Scenario.LocalDay(o.CreatedAt), new ExpectedDay(o.Total * Rate(o.Currency, Scenario.LocalDay(o.CreatedAt)), 0m, 1, 0, 0m));

        var refunded = new Dictionary<string, decimal>();
        var refunds = s.StandaloneRefunds.Concat(s.OrderVersions.SelectMany(v => (v.Refunds ?? []).Select(r => (OrderId: v.Id, Refund: r))))
            .GroupBy(r => r.Refund.Id).Select(g => g.First());
        foreach (var (orderId, refund) in refunds)
        {
            var order = finals[orderId];
            if (!Counted(order)) continue;
            var day = Scenario.LocalDay(refund.CreatedAt);
            Add(day, new ExpectedDay(0m, refund.Amount * Rate(order.Currency, day), 0, 0, 0m));
            Refunds++;
            if (Key(order) is { } key) refunded[key] = refunded.GetValueOrDefault(key) + refund.Amount * Rate(order.Currency, day);
        }

        foreach (var customer in finals.Values.Where(Counted).Where(o => Key(o) is not null).GroupBy(Key))
        {
            var first = Scenario.LocalDay(customer.Min(o => o.CreatedAt));
            Add(first, new ExpectedDay(0m, 0m, 0, 1, 0m));
            Customers[customer.Key!] = (customer.Count(), first,
                customer.Sum(o => o.Total * Rate(o.Currency, Scenario.LocalDay(o.CreatedAt))) - refunded.GetValueOrDefault(customer.Key!));
        }

        foreach (var row in s.AdRows.GroupBy(a => (a.Platform, a.CampaignId, a.Day)).Select(g => g.Last()))
        {
            var rate = Rate(row.Currency, row.Day);
            Ads.Add(new ExpectedAdRow(row.Platform, row.CampaignId, row.Day, row.Spend * rate, row.Impressions, row.Clicks, row.ConversionValue * rate));
            Add(row.Day, new ExpectedDay(0m, 0m, 0, 0, row.Spend * rate));
        }

        Cancelled = finals.Values.Count(o => o.CancelledAt is not null);
        TestOrVoided = finals.Values.Count(o => o.Test || o.FinancialStatus == "voided");
        Guests = finals.Values.Count(o => o.CustomerId is null && o.Email is not null);
        Versions = s.OrderVersions.Count - finals.Count;
        LateRestatements = s.AdRows.Count - Ads.Count;
    }

    private static string? Key(OrderSpec o) =>
        o.CustomerId is not null ? $"id:{o.CustomerId}" : string.IsNullOrWhiteSpace(o.Email) ? null : $"email:{o.Email.Trim().ToLowerInvariant()}";

    private void Add(DateOnly day, ExpectedDay facts) => Days[day] = Days.GetValueOrDefault(day, ExpectedDay.Empty).Plus(facts);

    public ExpectedDay Sum(DateOnly start, DateOnly end) =>
        Days.Where(d => d.Key >= start && d.Key <= end).Select(d => d.Value).Aggregate(ExpectedDay.Empty, (a, b) => a.Plus(b));

    /// <summary>A metric as the API is specified to show it: money to 2 decimals, ratios to 4, null over 0.</summary>
    public static decimal? Metric(string name, ExpectedDay t)
    {
        var revenue = t.Gross - t.Refunds;
        static decimal? Ratio(decimal a, decimal b) => b == 0 ? null : Math.Round(a / b, 4, MidpointRounding.AwayFromZero);
        return name switch
        {
            "revenue" => Money(revenue),
            "gross_revenue" => Money(t.Gross),
            "refunds" => Money(t.Refunds),
            "orders_count" => t.Orders,
            "new_customers" => t.NewCustomers,
            "ad_spend" => Money(t.AdSpend),
            "roas" => Ratio(revenue, t.AdSpend),
            "cac" => Ratio(t.AdSpend, t.NewCustomers),
            "avg_order_value" => Ratio(revenue, t.Orders),
            _ => throw new ArgumentException(name),
        };
    }

    public static decimal Money(decimal v) => Math.Round(v, 2, MidpointRounding.AwayFromZero);

    public static readonly string[] MetricNames =
        ["revenue", "gross_revenue", "refunds", "orders_count", "new_customers", "ad_spend", "roas", "cac", "avg_order_value"];
}

using System.Text.Json;
using static GrowHalo.Tests.Analytics.EndToEnd.ScenarioExpectations;

namespace GrowHalo.Tests.Analytics.EndToEnd;

/// <summary>Every metrics endpoint against totals computed independently from a generated scenario.</summary>
public sealed class GeneratedScenarioTests(ScenarioApp app) : IClassFixture<ScenarioApp>
{
    private static readonly string Range = $"start={Scenario.First:yyyy-MM-dd}&end={Scenario.Last:yyyy-MM-dd}";

    private static void AssertMetrics(ExpectedDay expected, JsonElement actual, string where)
    {
        foreach (var name in MetricNames)
        {
            var value = actual.GetProperty(name);
            var shown = value.ValueKind == JsonValueKind.Null ? (decimal?)null : value.GetDecimal();
            Assert.True(Metric(name, expected) == shown, $"{where} {name}: expected {Metric(name, expected)?.ToString() ?? "null"}, got {value}");
        }
    }

    [Fact]
    public void the_scenario_holds_every_hard_case()
    {
        var e = app.Expected;
        Assert.True(e.Cancelled > 5 && e.TestOrVoided > 5 && e.Refunds > 20 && e.Guests > 20 && e.Versions > 50 && e.LateRestatements > 20,
            $"cancelled {e.Cancelled}, test/voided {e.TestOrVoided}, refunds {e.Refunds}, guests {e.Guests}, extra versions {e.Versions}, restatements {e.LateRestatements}");
        Assert.Contains(app.Scenario.OrderVersions, o => o.Currency == "CAD");
    }

    [Fact]
    public async Task every_day_matches_the_independent_totals()
    {
        var json = await app.Shop.GetAsync($"/api/v1/metrics?{Range}&granularity=daily");
        var data = json.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(Scenario.Last.DayNumber - Scenario.First.DayNumber + 1, data.Count);
        foreach (var point in data)
        {
            var day = DateOnly.Parse(point.GetProperty("date").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            AssertMetrics(app.Expected.Days.GetValueOrDefault(day, ExpectedDay.Empty), point, day.ToString("yyyy-MM-dd"));
        }
    }

    [Theory]
    [InlineData("weekly")]
    [InlineData("monthly")]
    public async Task weekly_and_monthly_buckets_match_the_independent_totals(string granularity)
    {
        var json = await app.Shop.GetAsync($"/api/v1/metrics?{Range}&granularity={granularity}");
        var buckets = json.GetProperty("data").EnumerateArray().ToList();
        for (var i = 0; i < buckets.Count; i++)
        {
            var start = DateOnly.Parse(buckets[i].GetProperty("date").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            var next = granularity == "weekly" ? start.AddDays(7) : start.AddMonths(1);
            Assert.Equal(granularity == "weekly" ? DayOfWeek.Monday : start.DayOfWeek, start.DayOfWeek);
            var from = start < Scenario.First ? Scenario.First : start;
            var to = next.AddDays(-1) > Scenario.Last ? Scenario.Last : next.AddDays(-1);
            AssertMetrics(app.Expected.Sum(from, to), buckets[i], $"{granularity} {start:yyyy-MM-dd}");
        }
        Assert.Equal(granularity == "weekly" ? 10 : 3, buckets.Count); // 18 January 2026 is a Sunday: its week starts on 12 January
    }

    [Theory]
    [InlineData("last_7_days", 7)]
    [InlineData("last_30_days", 30)]
    [InlineData("last_90_days", 90)]
    public async Task the_summary_matches_for_the_period_and_the_window_before_it(string period, int days)
    {
        var json = await app.Shop.GetAsync($"/api/v1/metrics/summary?period={period}");
        var today = Scenario.Last; // the clock's 2026-03-18 12:00 UTC is 05:00 on 18 March in Los Angeles
        var current = app.Expected.Sum(today.AddDays(1 - days), today);
        var previous = app.Expected.Sum(today.AddDays(1 - 2 * days), today.AddDays(-days));
        AssertMetrics(current, json.GetProperty("current"), $"{period} current");
        AssertMetrics(previous, json.GetProperty("previous"), $"{period} previous");
        foreach (var name in MetricNames)
        {
            decimal? c = Unrounded(name, current), p = Unrounded(name, previous);
            decimal? expected = c is null || p is null || p == 0 ? null : Math.Round((c.Value - p.Value) / p.Value * 100, 2, MidpointRounding.AwayFromZero);
            var change = json.GetProperty("changes").GetProperty(name);
            Assert.Equal(expected, change.ValueKind == JsonValueKind.Null ? null : change.GetDecimal());
        }
    }

    private static decimal? Unrounded(string name, ExpectedDay t) => name switch
    {
        "revenue" => t.Gross - t.Refunds, "gross_revenue" => t.Gross, "refunds" => t.Refunds, "orders_count" => t.Orders,
        "new_customers" => t.NewCustomers, "ad_spend" => t.AdSpend,
        "roas" => t.AdSpend == 0 ? null : (t.Gross - t.Refunds) / t.AdSpend,
        "cac" => t.NewCustomers == 0 ? null : t.AdSpend / t.NewCustomers,
        _ => t.Orders == 0 ? null : (t.Gross - t.Refunds) / t.Orders,
    };

    [Theory]
    [InlineData("source")]
    [InlineData("campaign")]
    public async Task the_ad_spend_breakdown_matches_the_last_restatement_of_each_day(string groupBy)
    {
        var start = new DateOnly(2026, 2, 17);
        var json = await app.Shop.GetAsync($"/api/v1/metrics/ad-spend?start={start:yyyy-MM-dd}&end={Scenario.Last:yyyy-MM-dd}&group_by={groupBy}");
        var rows = app.Expected.Ads.Where(a => a.Day >= start && a.Day <= Scenario.Last).ToList();
        var total = rows.Sum(a => a.Spend);
        var revenue = app.Expected.Sum(start, Scenario.Last) is var t ? t.Gross - t.Refunds : 0m;
        Assert.Equal(Money(total), json.GetProperty("total_ad_spend").GetDecimal());
        Assert.Equal(Money(revenue), json.GetProperty("revenue").GetDecimal());
        var groups = rows.GroupBy(a => groupBy == "source" ? a.Platform : a.Campaign).ToDictionary(g => g.Key);
        var data = json.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(groups.Count, data.Count);
        foreach (var row in data)
        {
            var g = groups[groupBy == "source" ? row.GetProperty("source").GetString()! : row.GetProperty("campaign_id").GetString()!];
            var spend = g.Sum(a => a.Spend);
            Assert.Equal(Money(spend), row.GetProperty("ad_spend").GetDecimal());
            Assert.Equal(g.Sum(a => a.Clicks), row.GetProperty("clicks").GetInt64());
            Assert.Equal(Math.Round(g.Sum(a => a.ConversionValue) / spend, 4, MidpointRounding.AwayFromZero), row.GetProperty("platform_roas").GetDecimal());
            Assert.Equal(Math.Round(revenue / total, 4, MidpointRounding.AwayFromZero), row.GetProperty("blended_roas").GetDecimal());
            Assert.Equal(Math.Round(spend / total * 100, 2, MidpointRounding.AwayFromZero), row.GetProperty("pct_of_total").GetDecimal());
            Assert.Equal(Money(revenue * spend / total), row.GetProperty("revenue").GetDecimal());
        }
    }

    [Fact]
    public async Task missing_rates_were_reported_before_they_were_loaded_and_freshness_is_the_newest_event()
    {
        var before = app.QualityBeforeRates.GetProperty("missing_fx_rates").EnumerateArray().ToList();
        Assert.Equal("CAD", Assert.Single(before).GetProperty("currency").GetString());
        var after = await app.Shop.GetAsync("/api/v1/metrics/data-quality");
        Assert.Empty(after.GetProperty("missing_fx_rates").EnumerateArray());
        Assert.Equal(0, after.GetProperty("failed_events").GetInt32());

        await using var cmd = app.DataSource.CreateCommand("select max(timestamp) from mt_events where tenant_id = $1");
        cmd.Parameters.Add(new() { Value = app.Shop.Id });
        var newest = (DateTime)(await cmd.ExecuteScalarAsync())!;
        Assert.Equal(new DateTimeOffset(newest, TimeSpan.Zero), after.GetProperty("as_of").GetDateTimeOffset());
    }

    [Fact]
    public async Task customers_hold_their_counted_orders_first_order_day_and_lifetime_spend_net_of_refunds()
    {
        await using var cmd = app.DataSource.CreateCommand(
            "select customer_key, orders_count, first_order_day, lifetime_spend from customers where tenant_id = $1 and orders_count > 0");
        cmd.Parameters.Add(new() { Value = app.Shop.Id });
        var actual = new Dictionary<string, (long, DateOnly, decimal)>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) actual[r.GetString(0)] = (r.GetInt32(1), r.GetFieldValue<DateOnly>(2), r.GetDecimal(3));
        Assert.Equal(app.Expected.Customers.Keys.Order(), actual.Keys.Order());
        foreach (var (key, expected) in app.Expected.Customers) Assert.Equal(expected, actual[key]);
    }
}

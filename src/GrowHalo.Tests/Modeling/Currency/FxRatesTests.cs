using System.Net;
using GrowHalo.Modeling.Currency;
using GrowHalo.Tests.Analytics;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Modeling.Currency;

/// <summary>Amounts in another currency are converted with loaded rates; a missing rate is reported, never taken as 1.</summary>
public sealed class FxRatesTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static DateTimeOffset Utc(int day) => new(2026, 3, day, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task an_amount_without_a_rate_is_left_out_and_reported_until_a_rate_is_loaded()
    {
        var shop = await app.CreateTenantAsync(currency: "USD");
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(1, Utc(2), 100m, Currency: "USD", CustomerId: 1)),
            Order(shop.Id, new OrderSpec(2, Utc(2), 50m, Currency: "EUR", CustomerId: 2)),
            Ad(shop.Id, new AdSpec("meta", "c1", new DateOnly(2026, 3, 3), 20m, Currency: "EUR")));

        var before = await shop.GetAsync("/api/v1/metrics/summary?start=2026-03-02&end=2026-03-03");
        Assert.Equal(100m, before.GetProperty("current").GetProperty("revenue").GetDecimal());
        Assert.Equal(2, before.GetProperty("current").GetProperty("orders_count").GetInt32());
        Assert.Equal(0m, before.GetProperty("current").GetProperty("ad_spend").GetDecimal());
        var missing = before.GetProperty("missing_fx_rates").EnumerateArray().Single();
        Assert.Equal("EUR", missing.GetProperty("currency").GetString());
        Assert.Equal("USD", missing.GetProperty("reporting_currency").GetString());
        Assert.Equal("2026-03-02", missing.GetProperty("first_date").GetString());
        Assert.Equal("2026-03-03", missing.GetProperty("last_date").GetString());
        Assert.Equal(2, missing.GetProperty("days").GetInt32());
        var quality = await shop.GetAsync("/api/v1/metrics/data-quality");
        Assert.Equal("EUR", quality.GetProperty("missing_fx_rates")[0].GetProperty("currency").GetString());

        var loaded = await shop.PostAsync("/api/v1/fx-rates", new
        {
            rates = new object[]
            {
                new { date = "2026-03-02", from = "EUR", to = "USD", rate = 1.1m },
                new { date = "2026-03-03", from = "eur", to = "usd", rate = "1.2" },
            },
        });
        Assert.Equal(2, loaded.GetProperty("imported").GetInt32());

        var after = await shop.GetAsync("/api/v1/metrics/summary?start=2026-03-02&end=2026-03-03");
        Assert.Equal(155m, after.GetProperty("current").GetProperty("revenue").GetDecimal());   // 100 + 50 × 1.1
        Assert.Equal(24m, after.GetProperty("current").GetProperty("ad_spend").GetDecimal());   // 20 × 1.2
        Assert.Empty(after.GetProperty("missing_fx_rates").EnumerateArray());
    }

    [Fact]
    public async Task a_rate_serves_the_following_days_up_to_a_week_and_the_inverse_pair_works_too()
    {
        var shop = await app.CreateTenantAsync(currency: "EUR");
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(10, Utc(9), 100m, Currency: "USD")),    // Monday: Friday's rate applies
            Order(shop.Id, new OrderSpec(11, Utc(20), 100m, Currency: "USD")));  // 14 days later: too old, missing
        await shop.PostAsync("/api/v1/fx-rates", new { rates = new[] { new { date = "2026-03-06", from = "EUR", to = "USD", rate = 1.25m } } });

        var revenue = await shop.DailyAsync("revenue", "2026-03-09", "2026-03-20");
        Assert.Equal(80m, revenue["2026-03-09"].Number());    // 100 ÷ 1.25
        Assert.Equal(0m, revenue["2026-03-20"].Number());
        var summary = await shop.GetAsync("/api/v1/metrics/summary?start=2026-03-09&end=2026-03-20");
        Assert.Equal("2026-03-20", summary.GetProperty("missing_fx_rates")[0].GetProperty("first_date").GetString());
    }

    [Fact]
    public async Task bad_rates_are_a_400_that_names_each_problem_and_nothing_is_loaded()
    {
        var shop = await app.CreateTenantAsync();
        var problem = await shop.PostAsync("/api/v1/fx-rates", new
        {
            rates = new object[]
            {
                new { date = "2026-03-02", from = "EUR", to = "USD", rate = 1.1m },
                new { date = "2026-02-31", from = "EURO", to = "USD", rate = -1m },
            },
        }, HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        Assert.Equal(["rates[1].date", "rates[1].from", "rates[1].rate"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Equal(0L, await CountRatesAsync(shop.Id));
    }

    [Fact]
    public async Task loading_rates_needs_the_admin_scope()
    {
        var reader = await app.CreateTenantAsync(scopes: ["read"]);
        await reader.PostAsync("/api/v1/fx-rates", new { rates = new[] { new { date = "2026-03-02", from = "EUR", to = "USD", rate = 1.1m } } },
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public void the_csv_import_reads_a_header_and_reports_bad_lines_by_number()
    {
        var (rates, errors) = FxCsv.Parse(["date,from,to,rate", "2026-03-02,EUR,USD,1.0842", "", "2026-03-03,GBP,USD,1.27"]);
        Assert.Empty(errors);
        Assert.Equal([new FxRate(new DateOnly(2026, 3, 2), "EUR", "USD", 1.0842m), new FxRate(new DateOnly(2026, 3, 3), "GBP", "USD", 1.27m)], rates);

        var (_, bad) = FxCsv.Parse(["date,from,to,rate", "2026-03-02,EUR,USD", "2026-03-03,GBP,USD,abc"]);
        Assert.Equal(2, bad.Count);
        Assert.StartsWith("line 2:", bad[0]);
        Assert.StartsWith("line 3: rate must be a positive number", bad[1]);

        Assert.StartsWith("line 1:", FxCsv.Parse(["2026-03-02,EUR,USD,1.1"]).Errors.Single());
    }

    private async Task<long> CountRatesAsync(string tenantId)
    {
        await using var cmd = app.DataSource.CreateCommand("select count(*) from fx_rates where tenant_id = $1");
        cmd.Parameters.Add(new() { Value = tenantId });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

using System.Text.Json;
using GrowHalo.Analytics.Customers.Churn;
using GrowHalo.Analytics.Metrics;
using GrowHalo.Platform.Events;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Customers.Churn;

/// <summary>
/// GET /api/v1/analytics/churn: the BG/NBD fit over the tenant's customers (x = order days − 1, tₓ, T in tenant days),
/// each customer's p_alive, expected orders in 90 days and status; the lapse rule when fewer than 20 customers came
/// back; filters, limits and 400s; one tenant never sees another's customers.
/// </summary>
public sealed class ChurnEndpointTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(MetricsApp.Now.UtcDateTime); // 2026-03-18

    private static DateTimeOffset At(DateOnly day, int hour = 12) => new(day.ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero);

    /// <summary>A customer as the test knows them: the days of their counted orders and what each order was worth.</summary>
    private sealed record Buyer(long Id, IReadOnlyList<DateOnly> Days, decimal PerOrder)
    {
        public string Key => $"id:{Id}";
        public BgNbdHistory History => new(Days.Distinct().Count() - 1, Days.Max().DayNumber - Days.Min().DayNumber, Today.DayNumber - Days.Min().DayNumber);
        public decimal Revenue => PerOrder * Days.Count;
    }

    /// <summary>Buyers drawn from a BG/NBD-like process (seeded): some keep buying, some stop.</summary>
    private static List<Buyer> Draw(int count, int seed)
    {
        var random = new Random(seed);
        var buyers = new List<Buyer>();
        for (var i = 1; i <= count; i++)
        {
            var age = random.Next(20, 400);
            var first = Today.AddDays(-age);
            var days = new List<DateOnly> { first };
            var (gap, dropOut) = (random.Next(10, 90), random.NextDouble() * 0.6);
            for (var day = first; random.NextDouble() >= dropOut;)
            {
                day = day.AddDays(1 + (int)(-gap * Math.Log(1 - random.NextDouble())));
                if (day > Today) break;
                days.Add(day);
            }
            buyers.Add(new Buyer(i, days, 10m * (i % 5 + 1)));
        }
        return buyers;
    }

    private static NewEvent[] Orders(string tenant, IEnumerable<Buyer> buyers) =>
        buyers.SelectMany(b => b.Days.Select((d, k) => Order(tenant, new OrderSpec(b.Id * 1000 + k, At(d), b.PerOrder, CustomerId: b.Id)))).ToArray();

    [Fact]
    public async Task a_trusted_fit_its_parameters_and_every_customers_p_alive_expected_orders_and_status()
    {
        var shop = await app.CreateTenantAsync();
        var buyers = Draw(60, seed: 11);
        // Two orders on one day count as one purchase day; a cancelled order does not count.
        buyers[0] = buyers[0] with { Days = [.. buyers[0].Days, buyers[0].Days[0]] };
        await app.AppendAsync(shop.Id, [.. Orders(shop.Id, buyers),
            Order(shop.Id, new OrderSpec(999_999, At(Today.AddDays(-1)), 500m, CustomerId: 2, CancelledAt: At(Today.AddDays(-1), 13)))]);

        var churn = await shop.GetAsync("/api/v1/analytics/churn?limit=1000");

        var histories = buyers.GroupBy(b => b.History).Select(g => g.Key with { Customers = g.Count() }).ToList();
        var fit = BgNbd.Fit(histories)!;
        var repeat = buyers.Count(b => b.History.X > 0);
        Assert.True(repeat >= 20 && fit.Converged, $"the drawn data should give a trusted fit ({repeat} repeat customers)");
        Assert.True(churn.GetProperty("trusted").GetBoolean());
        Assert.Equal(repeat, churn.GetProperty("repeat_customers").GetInt64());
        Assert.Equal(ChurnStatus.ModelRule, churn.GetProperty("rule").GetString());
        var parameters = churn.GetProperty("parameters");
        Assert.Equal(fit.Parameters.R, parameters.GetProperty("r").GetDouble(), 1e-9);
        Assert.Equal(fit.Parameters.Alpha, parameters.GetProperty("alpha").GetDouble(), 1e-9);
        Assert.Equal(fit.Parameters.A, parameters.GetProperty("a").GetDouble(), 1e-9);
        Assert.Equal(fit.Parameters.B, parameters.GetProperty("b").GetDouble(), 1e-9);
        Assert.Equal(fit.LogLikelihood, churn.GetProperty("log_likelihood").GetDouble(), 1e-9);
        Assert.Equal("2026-03-18", churn.GetProperty("as_of").GetString());
        Assert.Equal("USD", churn.GetProperty("currency").GetString());
        Assert.True(churn.GetProperty("scored_at").GetDateTimeOffset() > DateTimeOffset.MinValue);
        Assert.NotEqual(JsonValueKind.Null, churn.GetProperty("data_as_of").ValueKind);

        var expected = buyers.Select(b =>
        {
            var h = b.History;
            var alive = BgNbd.PAlive(fit.Parameters, h.X, h.Tx, h.T);
            return (b.Key, PAlive: Rounding.Ratio((decimal)alive), Expected: Rounding.Ratio((decimal)BgNbd.ExpectedPurchases(fit.Parameters, 90, h.X, h.Tx, h.T)),
                Status: ChurnStatus.OfPAlive(alive), b.Revenue, Last: b.Days.Max());
        }).ToList();
        var data = churn.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(60, data.Count);
        foreach (var row in data)
        {
            var e = expected.Single(x => x.Key == row.GetProperty("customer_key").GetString());
            Assert.Equal(e.PAlive, row.GetProperty("p_alive").GetDecimal());
            Assert.Equal(e.Expected, row.GetProperty("expected_orders_90d").GetDecimal());
            Assert.Equal(e.Status, row.GetProperty("status").GetString());
            Assert.Equal(e.Revenue, row.GetProperty("lifetime_revenue").GetDecimal());
            Assert.Equal(e.Last.ToString("yyyy-MM-dd"), row.GetProperty("last_order_date").GetString());
            Assert.True(row.TryGetProperty("email", out _));
        }
        // One-order customers are alive with probability 1 (the model cannot see them leave).
        Assert.All(data.Where(r => buyers.Single(b => b.Key == r.GetProperty("customer_key").GetString()).History.X == 0),
            r => Assert.Equal(1m, r.GetProperty("p_alive").GetDecimal()));

        var distribution = churn.GetProperty("distribution");
        Assert.Equal(expected.Count(e => e.Status == "active"), distribution.GetProperty("active").GetInt64());
        Assert.Equal(expected.Count(e => e.Status == "at_risk"), distribution.GetProperty("at_risk").GetInt64());
        Assert.Equal(expected.Count(e => e.Status == "lost"), distribution.GetProperty("lost").GetInt64());
        Assert.True(expected.Any(e => e.Status == "at_risk") && expected.Any(e => e.Status == "lost"), "the drawn data should have every status");
        Assert.Equal(expected.Where(e => e.Status == "at_risk").Sum(e => e.Revenue), churn.GetProperty("at_risk_revenue").GetDecimal());

        // At risk first, then lost, then active; each by lifetime revenue, largest first, then by key.
        var order = expected.OrderBy(e => e.Status switch { "at_risk" => 0, "lost" => 1, _ => 2 }).ThenByDescending(e => e.Revenue)
            .ThenBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key).ToList();
        Assert.Equal(order, data.Select(r => r.GetProperty("customer_key").GetString()!).ToList());

        var atRisk = await shop.GetAsync("/api/v1/analytics/churn?status=at_risk&limit=2");
        Assert.Equal(order.Where(k => expected.Single(e => e.Key == k).Status == "at_risk").Take(2),
            atRisk.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("customer_key").GetString()));
        Assert.Equal(distribution.GetProperty("lost").GetInt64(), atRisk.GetProperty("distribution").GetProperty("lost").GetInt64());
        Assert.Equal(order.Take(5), (await shop.GetAsync("/api/v1/analytics/churn?limit=5")).GetProperty("data").EnumerateArray()
            .Select(r => r.GetProperty("customer_key").GetString()));
    }

    [Fact]
    public async Task fewer_than_20_repeat_customers_fall_back_to_the_lapse_rule_at_90_and_180_days()
    {
        var shop = await app.CreateTenantAsync();
        var buyers = new[]
        {
            new Buyer(1, [Today.AddDays(-90)], 10m),                       // 90 days: active
            new Buyer(2, [Today.AddDays(-91)], 20m),                       // 91 days: at risk
            new Buyer(3, [Today.AddDays(-300), Today.AddDays(-180)], 30m), // 180 days, a repeat customer: at risk
            new Buyer(4, [Today.AddDays(-181)], 40m),                      // 181 days: lost
            new Buyer(5, [Today], 50m),                                    // today: active
        };
        await app.AppendAsync(shop.Id, Orders(shop.Id, buyers));

        var churn = await shop.GetAsync("/api/v1/analytics/churn");

        Assert.False(churn.GetProperty("trusted").GetBoolean());
        Assert.Equal(1, churn.GetProperty("repeat_customers").GetInt64());
        Assert.Contains("Lapse rule (fewer than 20 repeat customers", churn.GetProperty("rule").GetString());
        Assert.All(churn.GetProperty("parameters").EnumerateObject(), p => Assert.Equal(JsonValueKind.Null, p.Value.ValueKind));
        Assert.Equal(JsonValueKind.Null, churn.GetProperty("log_likelihood").ValueKind);
        var rows = churn.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["id:3", "id:2", "id:4", "id:5", "id:1"], rows.Select(r => r.GetProperty("customer_key").GetString()));
        Assert.Equal(["at_risk", "at_risk", "lost", "active", "active"], rows.Select(r => r.GetProperty("status").GetString()));
        Assert.All(rows, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("p_alive").ValueKind));
        Assert.All(rows, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("expected_orders_90d").ValueKind));
        Assert.Equal(2, churn.GetProperty("distribution").GetProperty("active").GetInt64());
        Assert.Equal(2, churn.GetProperty("distribution").GetProperty("at_risk").GetInt64());
        Assert.Equal(1, churn.GetProperty("distribution").GetProperty("lost").GetInt64());
        Assert.Equal(80m, churn.GetProperty("at_risk_revenue").GetDecimal()); // 2 × 30 + 20
    }

    [Fact]
    public async Task a_tenant_sees_only_its_own_customers()
    {
        var (mine, theirs) = (await app.CreateTenantAsync(), await app.CreateTenantAsync());
        await app.AppendAsync(theirs.Id, Orders(theirs.Id, [new Buyer(7, [Today.AddDays(-5)], 99m)]));
        await app.AppendAsync(mine.Id, Orders(mine.Id, [new Buyer(8, [Today.AddDays(-200)], 15m)]));

        var churn = await mine.GetAsync("/api/v1/analytics/churn");
        var other = await theirs.GetAsync("/api/v1/analytics/churn");

        Assert.Equal(["id:8"], churn.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("customer_key").GetString()));
        Assert.Equal(1, churn.GetProperty("distribution").GetProperty("lost").GetInt64());
        Assert.Equal(0, churn.GetProperty("distribution").GetProperty("active").GetInt64());
        Assert.Equal(["id:7"], other.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("customer_key").GetString()));
        Assert.Equal(0, other.GetProperty("distribution").GetProperty("lost").GetInt64());
    }

    [Fact]
    public async Task a_tenant_without_customers_has_an_empty_answer()
    {
        var shop = await app.CreateTenantAsync();
        var churn = await shop.GetAsync("/api/v1/analytics/churn");
        Assert.Equal(0, churn.GetProperty("data").GetArrayLength());
        Assert.Equal(0, churn.GetProperty("repeat_customers").GetInt64());
        Assert.Equal(0m, churn.GetProperty("at_risk_revenue").GetDecimal());
        Assert.False(churn.GetProperty("trusted").GetBoolean());
    }

    [Theory]
    [InlineData("?status=gone", "status", "active, at_risk, lost")]
    [InlineData("?limit=0", "limit", "between 1 and 1000")]
    [InlineData("?limit=1001", "limit", "between 1 and 1000")]
    public async Task bad_parameters_are_400s_that_name_them(string query, string field, string says)
    {
        var shop = await app.CreateTenantAsync();
        var problem = await shop.BadRequestAsync("/api/v1/analytics/churn" + query);
        Assert.Contains(says, problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }
}

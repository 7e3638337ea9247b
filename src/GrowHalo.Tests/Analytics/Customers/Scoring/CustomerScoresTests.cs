using System.Text.Json;
using GrowHalo.Analytics.Customers.Scoring;
using GrowHalo.Platform.Events.Projections;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Modeling;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Customers.Scoring;

/// <summary>
/// Each customer's RFM scores and segment, and churn status, on the /customers and top-customers rows: the grid's
/// definition (equal values, equal scores); rescored in the background when orders arrive, after a rebuild, and when
/// the tenant's day changes.
/// </summary>
public sealed class CustomerScoresTests(ScoringApp app) : IClassFixture<ScoringApp>
{
    private static DateTimeOffset Utc(int month, int day, int hour = 12) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    private static async Task<Dictionary<string, JsonElement>> RowsAsync(TenantClient shop) =>
        (await shop.GetAsync("/api/v1/customers?limit=200")).GetProperty("data").EnumerateArray()
            .ToDictionary(r => r.GetProperty("customer_key").GetString()!);

    private static (int R, int F, int M, string Segment) Rfm(JsonElement row)
    {
        var rfm = row.GetProperty("rfm");
        return (rfm.GetProperty("r").GetInt32(), rfm.GetProperty("f").GetInt32(), rfm.GetProperty("m").GetInt32(), rfm.GetProperty("segment").GetString()!);
    }

    /// <summary>Four customers: 1 and 2 tie on every measure.</summary>
    private async Task<TenantClient> ShopAsync()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Customer(shop.Id, 9, "none@example.com", Utc(1, 1)),                  // a record without orders: not scored
            Order(shop.Id, new OrderSpec(11, Utc(3, 1), 10m, CustomerId: 1)),
            Order(shop.Id, new OrderSpec(12, Utc(3, 10), 10m, CustomerId: 1)),
            Order(shop.Id, new OrderSpec(21, Utc(3, 5), 10m, CustomerId: 2)),
            Order(shop.Id, new OrderSpec(22, Utc(3, 10), 10m, CustomerId: 2)),
            Order(shop.Id, new OrderSpec(31, Utc(2, 1), 100m, CustomerId: 3)),
            Order(shop.Id, new OrderSpec(41, Utc(3, 15), 5m, CustomerId: 4)));
        return shop;
    }

    private async Task<DateTimeOffset> ScoredAtAsync(string tenantId)
    {
        await using var cmd = app.DataSource.CreateCommand("select scored_at from customer_score_runs where tenant_id = $1");
        cmd.Parameters.Add(new() { Value = tenantId });
        return await cmd.ExecuteScalarAsync() is DateTime t ? new DateTimeOffset(t, TimeSpan.Zero) : DateTimeOffset.MinValue;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
            if (await condition()) return;
        Assert.Fail($"Timed out waiting until {what}.");
    }

    [Fact]
    public async Task rows_carry_rfm_scores_where_equal_values_score_equally_and_the_grid_agrees()
    {
        var shop = await ShopAsync();

        var rows = await RowsAsync(shop);

        // n = 4. Recency: 3 (1 Feb) w=0 → 1; 1, 2 (10 Mar) w=1 → 2; 4 (15 Mar) w=3 → 4. Frequency: 3, 4 → 1; 1, 2 (w=2) → 3.
        // Monetary: 4 (5) → 1; 1, 2 (20, w=1) → 2; 3 (100, w=3) → 4.
        Assert.Equal((2, 3, 2, "At risk"), Rfm(rows["id:1"]));
        Assert.Equal((2, 3, 2, "At risk"), Rfm(rows["id:2"]));
        Assert.Equal((1, 1, 4, "Lost"), Rfm(rows["id:3"]));
        Assert.Equal((4, 1, 1, "Promising"), Rfm(rows["id:4"]));
        Assert.Equal(JsonValueKind.Null, rows["id:9"].GetProperty("rfm").ValueKind);
        Assert.Equal(JsonValueKind.Null, rows["id:9"].GetProperty("churn").ValueKind);
        // Two repeat customers: the lapse rule decides, and there is no p_alive.
        Assert.Equal("active", rows["id:3"].GetProperty("churn").GetProperty("status").GetString()); // 45 days
        Assert.Equal(JsonValueKind.Null, rows["id:3"].GetProperty("churn").GetProperty("p_alive").ValueKind);

        var grid = await shop.GetAsync("/api/v1/analytics/rfm");
        Assert.Equal(2, grid.GetProperty("grid").EnumerateArray()
            .Single(c => c.GetProperty("r").GetInt32() == 2 && c.GetProperty("f").GetInt32() == 3).GetProperty("customers").GetInt64());
        var top = await shop.GetAsync("/api/v1/analytics/top-customers?limit=1");
        Assert.Equal((1, 1, 4, "Lost"), Rfm(top.GetProperty("data")[0]));
    }

    [Fact]
    public async Task new_orders_are_scored_in_the_background()
    {
        var shop = await ShopAsync();
        Assert.Equal((1, 1, 4, "Lost"), Rfm((await RowsAsync(shop))["id:3"]));

        await app.AppendAsync(shop.Id, Order(shop.Id, new OrderSpec(32, Utc(3, 17), 50m, CustomerId: 3)));

        // Last days 10, 10, 15, 17 March → r 1, 1, 3, 4; orders 2, 2, 1, 2 → f 2, 2, 1, 2; revenue 20, 20, 5, 150 → m 2, 2, 1, 4.
        await EventuallyAsync(async () => Rfm((await RowsAsync(shop))["id:3"]) == (4, 2, 4, "Potential loyalists"), "customer 3 is rescored");
        var rows = await RowsAsync(shop);
        Assert.Equal((1, 2, 2, "Lost"), Rfm(rows["id:1"]));
        Assert.Equal((3, 1, 1, "Needs attention"), Rfm(rows["id:4"]));
    }

    [Fact]
    public async Task a_rebuild_forgets_the_run_and_the_tenant_is_rescored()
    {
        var shop = await ShopAsync();
        var before = await RowsAsync(shop);
        var scoredAt = await ScoredAtAsync(shop.Id);
        // Settle: once scored, nothing new arrives, so the background leaves the tenant alone.
        await Task.Delay(600);
        Assert.Equal(scoredAt, await ScoredAtAsync(shop.Id));

        await app.Service<ProjectionRebuilder>().RebuildAsync("commerce", shop.Id, null, CancellationToken.None);

        await EventuallyAsync(async () => await ScoredAtAsync(shop.Id) > scoredAt, "the tenant is rescored after the rebuild");
        var after = await RowsAsync(shop);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.All(before.Keys.Where(k => k != "id:9"), k => Assert.Equal(Rfm(before[k]), Rfm(after[k])));
    }

    [Fact]
    public async Task a_new_day_rescores_and_changed_read_models_wait_for_the_minimum_interval()
    {
        var shop = await ShopAsync();
        await RowsAsync(shop); // scored for today
        var options = Options.Create(new CustomerScoringOptions { MinInterval = TimeSpan.FromHours(1) });
        var today = new CustomerScoring(app.Service<TenantDatabases>(), app.Clock, options, NullLogger<CustomerScoring>.Instance);
        var tomorrow = new CustomerScoring(app.Service<TenantDatabases>(), new ShiftedClock(MetricsApp.Now.AddDays(1)), options, NullLogger<CustomerScoring>.Instance);

        Assert.False(await today.ScoreAsync(shop.Tenant, ScoreWhen.Stale, CancellationToken.None));    // nothing changed
        await app.AppendAsync(shop.Id, Order(shop.Id, new OrderSpec(42, Utc(3, 16), 5m, CustomerId: 4)));
        Assert.False(await today.ScoreAsync(shop.Tenant, ScoreWhen.Stale, CancellationToken.None));    // changed, but scored < 1 h ago
        Assert.False(await today.ScoreAsync(shop.Tenant, ScoreWhen.NoneForToday, CancellationToken.None));

        Assert.True(await tomorrow.ScoreAsync(shop.Tenant, ScoreWhen.Stale, CancellationToken.None));
        await using var cmd = app.DataSource.CreateCommand("select as_of from customer_score_runs where tenant_id = $1");
        cmd.Parameters.Add(new() { Value = shop.Id });
        Assert.Equal(new DateOnly(2026, 3, 19), await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task scores_of_one_tenant_are_not_another_tenants()
    {
        var shop = await ShopAsync();
        var other = await app.CreateTenantAsync();
        await app.AppendAsync(other.Id, Order(other.Id, new OrderSpec(11, Utc(3, 1), 10m, CustomerId: 1)));

        var rows = await RowsAsync(other);

        Assert.Equal(["id:1"], rows.Keys);
        Assert.Equal((1, 1, 1, "Lost"), Rfm(rows["id:1"]));           // alone: nobody is worse
        Assert.Equal((2, 3, 2, "At risk"), Rfm((await RowsAsync(shop))["id:1"]));
        await using var db = await TenantDb.BeginAsync(app.DataSource, other.Id);
        await using var cmd = db.Command("select count(*) from customer_scores");
        Assert.Equal(1L, await cmd.ExecuteScalarAsync());
    }
}

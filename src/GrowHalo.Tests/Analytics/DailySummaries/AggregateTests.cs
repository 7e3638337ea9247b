using System.Net;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.DailySummaries;

/// <summary>POST /api/v1/metrics/aggregate recomputes a range of daily summaries from the projected documents.</summary>
public sealed class AggregateTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Fact]
    public async Task aggregate_restores_summaries_from_the_documents_and_counts_the_days()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(1, new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero), 42m, CustomerId: 1)),
            Ad(shop.Id, new AdSpec("google", "g1", new DateOnly(2026, 3, 4), 7m)));
        await using (var corrupt = app.DataSource.CreateCommand("update daily_summaries set revenue = 0, ad_spend = 0 where tenant_id = $1"))
        {
            corrupt.Parameters.Add(new() { Value = shop.Id });
            await corrupt.ExecuteNonQueryAsync();
        }
        Assert.Equal(0m, (await shop.DailyAsync("revenue", "2026-03-02", "2026-03-02"))["2026-03-02"].Number());

        var body = await shop.PostAsync("/api/v1/metrics/aggregate", new { start_date = "2026-03-01", end_date = "2026-03-05" });

        Assert.Equal(5, body.GetProperty("days_recomputed").GetInt32());
        Assert.Equal(42m, (await shop.DailyAsync("revenue", "2026-03-02", "2026-03-02"))["2026-03-02"].Number());
        Assert.Equal(7m, (await shop.DailyAsync("ad_spend", "2026-03-04", "2026-03-04"))["2026-03-04"].Number());
    }

    [Fact]
    public async Task aggregate_needs_the_admin_scope_and_a_valid_range()
    {
        var reader = await app.CreateTenantAsync(scopes: ["read"]);
        await reader.PostAsync("/api/v1/metrics/aggregate", new { start_date = "2026-03-01", end_date = "2026-03-05" }, HttpStatusCode.Forbidden);

        var admin = await app.CreateTenantAsync();
        var bad = await admin.PostAsync("/api/v1/metrics/aggregate", new { start_date = "2026-03-05", end_date = "2026-03-01" }, HttpStatusCode.BadRequest);
        Assert.Contains("start_date", bad.GetRawText());
    }
}

using Alba;
using System.Net;
using System.Text.Json;

namespace GrowHalo.Tests.Analytics.Metrics;

/// <summary>Requests the metrics API cannot answer are 400 problem details that say what is allowed.</summary>
public sealed class ValidationTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Theory]
    [InlineData("/api/v1/metrics?start=2026-02-30&end=2026-03-01", "start", "YYYY-MM-DD")]
    [InlineData("/api/v1/metrics?start=03/01/2026&end=2026-03-05", "start", "YYYY-MM-DD")]
    [InlineData("/api/v1/metrics?start=2026-03-05&end=2026-03-01", "start", "after")]
    [InlineData("/api/v1/metrics?start=2026-03-01", "end", "required")]
    [InlineData("/api/v1/metrics?start=2023-01-01&end=2026-01-01", "end", "3 years")]
    [InlineData("/api/v1/metrics?start=2026-03-01&end=2026-03-05&granularity=hourly", "granularity", "daily, weekly, monthly")]
    [InlineData("/api/v1/metrics?start=2026-03-01&end=2026-03-05&metrics=revenue,profit", "metrics", "avg_order_value")]
    [InlineData("/api/v1/metrics/summary?period=last_week", "period", "last_7_days, last_30_days, last_90_days")]
    [InlineData("/api/v1/metrics/summary?period=last_7_days&start=2026-03-01&end=2026-03-05", "period", "either")]
    [InlineData("/api/v1/metrics/summary?start=2026-03-09&end=2026-03-01", "start", "after")]
    [InlineData("/api/v1/metrics/ad-spend?start=2026-03-01&end=2026-03-05&group_by=adset", "group_by", "source, campaign")]
    [InlineData("/api/v1/metrics/ad-spend?start=2026-13-01&end=2026-03-05", "start", "YYYY-MM-DD")]
    public async Task an_unusable_request_is_a_400_that_says_what_is_allowed(string url, string field, string hint)
    {
        var shop = await app.CreateTenantAsync();

        var result = await shop.Scenario(s =>
        {
            s.Get.Url(url);
            s.StatusCodeShouldBe(HttpStatusCode.BadRequest);
            s.ContentTypeShouldBe("application/problem+json");
        });

        var problem = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        Assert.Contains(hint, problem.GetProperty("detail").GetString());
        Assert.Contains(hint, problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    [Fact]
    public async Task a_range_of_exactly_three_years_is_allowed()
    {
        var shop = await app.CreateTenantAsync();
        var json = await shop.GetAsync("/api/v1/metrics?start=2023-01-01&end=2025-12-31&granularity=monthly&metrics=revenue");
        Assert.Equal(36, json.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task every_problem_of_a_request_is_listed_at_once()
    {
        var shop = await app.CreateTenantAsync();
        var result = await shop.Scenario(s =>
        {
            s.Get.Url("/api/v1/metrics?start=yesterday&end=2026-03-05&granularity=hourly&metrics=profit");
            s.StatusCodeShouldBe(HttpStatusCode.BadRequest);
        });
        var errors = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("errors");
        Assert.Equal(["granularity", "metrics", "start"], errors.EnumerateObject().Select(e => e.Name).Order());
    }

    [Fact]
    public async Task the_metrics_endpoints_need_the_read_scope()
    {
        var ingestOnly = await app.CreateTenantAsync(scopes: ["ingest"]);
        await ingestOnly.Scenario(s =>
        {
            s.Get.Url("/api/v1/metrics/summary");
            s.StatusCodeShouldBe(HttpStatusCode.Forbidden);
        });
        await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/v1/metrics");
            s.StatusCodeShouldBe(HttpStatusCode.Unauthorized);
        });
    }
}

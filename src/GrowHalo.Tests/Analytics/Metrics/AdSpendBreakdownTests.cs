using System.Text.Json;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Metrics;

/// <summary>GET /api/v1/metrics/ad-spend: platform ROAS (the platform's own conversion value) beside blended ROAS.</summary>
public sealed class AdSpendBreakdownTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static readonly DateOnly Day1 = new(2026, 3, 2), Day2 = new(2026, 3, 3);

    private async Task<TenantClient> ShopWithSpendAsync()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Order(shop.Id, new OrderSpec(1, new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero), 300m)),
            Order(shop.Id, new OrderSpec(2, new DateTimeOffset(2026, 3, 3, 12, 0, 0, TimeSpan.Zero), 100m)),
            Ad(shop.Id, new AdSpec("meta", "m1", Day1, 60m, ConversionValue: 240m, CampaignName: "Spring")),
            Ad(shop.Id, new AdSpec("meta", "m2", Day2, 20m, ConversionValue: 20m)),
            Ad(shop.Id, new AdSpec("google", "g1", Day2, 120m, ConversionValue: 60m, Impressions: 500, Clicks: 9)));
        return shop;
    }

    [Fact]
    public async Task by_source_shows_platform_roas_and_blended_roas_side_by_side()
    {
        var shop = await ShopWithSpendAsync();

        var json = await shop.GetAsync("/api/v1/metrics/ad-spend?start=2026-03-01&end=2026-03-07&group_by=source");

        Assert.Equal(200m, json.GetProperty("total_ad_spend").GetDecimal());
        Assert.Equal(400m, json.GetProperty("revenue").GetDecimal());
        Assert.Equal(2m, json.GetProperty("blended_roas").GetDecimal());
        var rows = json.GetProperty("data").EnumerateArray().ToDictionary(r => r.GetProperty("source").GetString()!);
        var google = rows["google"];
        Assert.Equal(120m, google.GetProperty("ad_spend").GetDecimal());
        Assert.Equal(0.5m, google.GetProperty("platform_roas").GetDecimal());   // 60 ÷ 120, the platform's own claim
        Assert.Equal(2m, google.GetProperty("blended_roas").GetDecimal());      // store revenue 400 ÷ all spend 200
        Assert.Equal(2m, google.GetProperty("roas").GetDecimal());              // v1 clients: blended
        Assert.Equal(240m, google.GetProperty("revenue").GetDecimal());         // 60 % of the store's revenue
        Assert.Equal(60m, google.GetProperty("pct_of_total").GetDecimal());
        Assert.Equal(500, google.GetProperty("impressions").GetInt64());
        var meta = rows["meta"];
        Assert.Equal(80m, meta.GetProperty("ad_spend").GetDecimal());
        Assert.Equal(3.25m, meta.GetProperty("platform_roas").GetDecimal());    // (240 + 20) ÷ 80
        Assert.Equal(40m, meta.GetProperty("pct_of_total").GetDecimal());
        Assert.Equal(JsonValueKind.Null, meta.GetProperty("campaign_id").ValueKind);
    }

    [Fact]
    public async Task by_campaign_names_each_campaign_with_its_source()
    {
        var shop = await ShopWithSpendAsync();

        var json = await shop.GetAsync("/api/v1/metrics/ad-spend?start=2026-03-01&end=2026-03-07&group_by=campaign");

        var rows = json.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["g1", "m1", "m2"], rows.Select(r => r.GetProperty("campaign_id").GetString()));   // biggest spend first
        Assert.Equal("Spring", rows[1].GetProperty("campaign_name").GetString());
        Assert.Equal("meta", rows[1].GetProperty("source").GetString());
        Assert.Equal(4m, rows[1].GetProperty("platform_roas").GetDecimal());
    }

    [Fact]
    public async Task with_no_spend_the_roas_values_are_null()
    {
        var shop = await app.CreateTenantAsync();
        var json = await shop.GetAsync("/api/v1/metrics/ad-spend?start=2026-03-01&end=2026-03-07");
        Assert.Empty(json.GetProperty("data").EnumerateArray());
        Assert.Equal(0m, json.GetProperty("total_ad_spend").GetDecimal());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("blended_roas").ValueKind);
    }
}

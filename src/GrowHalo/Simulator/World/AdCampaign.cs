namespace GrowHalo.Simulator.World;

/// <summary>A Meta or Google campaign: its share of the daily budget and how generously the platform credits itself.</summary>
public sealed record AdCampaign(string Platform, string Id, string Name, decimal BudgetShare, decimal PlatformRoas, decimal Cpm, decimal Ctr)
{
    public static IReadOnlyList<AdCampaign> Defaults { get; } =
    [
        new("meta", "23851000000001", "Prospecting – Broad", 0.30m, 2.4m, 11.5m, 0.011m),
        new("meta", "23851000000002", "Retargeting – 30d visitors", 0.15m, 4.6m, 16.0m, 0.019m),
        new("meta", "23851000000003", "Advantage+ Shopping", 0.20m, 3.1m, 13.0m, 0.014m),
        new("google", "19870000001", "Search – Brand", 0.08m, 8.5m, 45.0m, 0.090m),
        new("google", "19870000002", "Search – Generic", 0.12m, 2.2m, 38.0m, 0.045m),
        new("google", "19870000003", "Performance Max", 0.15m, 3.4m, 9.0m, 0.008m),
    ];
}

/// <summary>One campaign-day as the platform reports it at some instant (recent days are restated as data settles).</summary>
public sealed record AdDay(AdCampaign Campaign, DateOnly Date, decimal Spend, long Impressions, long Clicks, decimal Conversions, decimal ConversionValue);

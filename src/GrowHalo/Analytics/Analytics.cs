using GrowHalo.Analytics.DailySummaries;

namespace GrowHalo.Analytics;

/// <summary>
/// Entry point of the Analytics part: the metrics API over daily_summaries and ad_spend. The summaries themselves are
/// kept by the commerce projection (Modeling) through <see cref="DailySummaryRecompute"/>, in the same transaction as
/// the documents they are computed from.
/// </summary>
public static class AnalyticsModule
{
    public static IServiceCollection AddAnalytics(this IServiceCollection services) => services;
}

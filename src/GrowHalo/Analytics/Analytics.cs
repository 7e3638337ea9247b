using GrowHalo.Analytics.Customers.Scoring;
using GrowHalo.Analytics.DailySummaries;
using GrowHalo.Platform.Events.Projections;

namespace GrowHalo.Analytics;

/// <summary>
/// Entry point of the Analytics part: the metrics API over daily_summaries and ad_spend, and the customer analytics.
/// The summaries themselves are kept by the commerce projection (Modeling) through <see cref="DailySummaryRecompute"/>,
/// in the same transaction as the documents they are computed from. Customer scores (RFM and churn per customer) are
/// kept by <see cref="CustomerScoring"/>: in the background (<see cref="CustomerScoringService"/>), after a rebuild,
/// and by the endpoints that show them when a tenant has none for today.
/// </summary>
public static class AnalyticsModule
{
    public static IServiceCollection AddAnalytics(this IServiceCollection services)
    {
        services.AddOptions<CustomerScoringOptions>().BindConfiguration("CustomerScoring");
        services.AddSingleton<CustomerScoring>();
        services.AddSingleton<IRebuildFollower, ScoresAfterRebuild>();
        services.AddHostedService<CustomerScoringService>();
        return services;
    }
}

namespace GrowHalo.Analytics;

/// <summary>Entry point of the Analytics part: its services and its HTTP endpoints.</summary>
public static class AnalyticsModule
{
    public static IServiceCollection AddAnalytics(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapAnalytics(this IEndpointRouteBuilder app) => app;
}

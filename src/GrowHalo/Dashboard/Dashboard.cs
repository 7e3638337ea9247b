namespace GrowHalo.Dashboard;

/// <summary>Entry point of the Dashboard part: its services and its HTTP endpoints.</summary>
public static class DashboardModule
{
    public static IServiceCollection AddDashboard(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app) => app;
}

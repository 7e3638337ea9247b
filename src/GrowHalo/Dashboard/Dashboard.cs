using GrowHalo.Dashboard.Live;
using GrowHalo.Dashboard.Pages;
using GrowHalo.Dashboard.Sessions;
using Microsoft.AspNetCore.Authentication;

namespace GrowHalo.Dashboard;

/// <summary>
/// Entry point of the Dashboard part: the page (<see cref="DashboardPageEndpoint"/> and its assets, built from
/// Dashboard/ui), its cookie sign-in (<see cref="SignInEndpoint"/>, <see cref="DashboardSessionAuthentication"/>, a
/// second scheme of the read API) and its live updates (<see cref="LiveEndpoint"/>, Server-Sent Events fed by the
/// projection daemon). Its endpoints are Wolverine HTTP endpoints, found by their attributes.
/// </summary>
public static class DashboardModule
{
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddOptions<DashboardOptions>().BindConfiguration("Dashboard");
        services.AddSingleton<DashboardAssets>();
        services.AddSingleton<DashboardSessionStore>();
        services.AddSingleton<LiveUpdates>();
        services.AddHostedService<LiveUpdatePump>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, DashboardSessionAuthentication>(DashboardSessionAuthentication.SchemeName, null);
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GrowHalo.Ingestion.Sync;

/// <summary>
/// Entry point of sync runs: "Sync now" of a connection and a tenant's re-projection, as rows of <c>sync_runs</c> that
/// <see cref="SyncRunService"/> executes with live progress, read through <c>/api/v1/sync</c> and its event stream.
/// </summary>
public static class SyncModule
{
    public static IServiceCollection AddSync(this IServiceCollection services, bool runService)
    {
        services.AddOptions<SyncOptions>().BindConfiguration("Sync");
        services.TryAddSingleton<SyncRunStore>();
        services.TryAddSingleton<SyncRunService>();
        services.TryAddSingleton<SyncStarter>();
        services.AddTransient<IStartupFilter, RecomputingHeader.StartupFilter>();
        if (runService) services.AddHostedService(sp => sp.GetRequiredService<SyncRunService>());
        return services;
    }
}

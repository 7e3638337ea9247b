using GrowHalo.EventStore.Projections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace GrowHalo.EventStore;

public static class EventStoreRegistration
{
    /// <summary>The event store, rebuilder, status query and (when <paramref name="runDaemon"/>) the async daemon. Needs an NpgsqlDataSource.</summary>
    public static IServiceCollection AddEventStore(this IServiceCollection services, bool runDaemon = true)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<EventStore>();
        services.TryAddSingleton<ProjectionRebuilder>();
        services.TryAddSingleton<ProjectionStatusQuery>();
        services.AddOptions<ProjectionDaemonOptions>().BindConfiguration("Projections");
        services.TryAddSingleton<ProjectionDaemon>();
        if (runDaemon) services.AddHostedService(sp => sp.GetRequiredService<ProjectionDaemon>());
        return services;
    }

    public static IServiceCollection AddProjection<T>(this IServiceCollection services) where T : class, IProjection
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProjection, T>());
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GrowHalo.Ingestion.Polling;

/// <summary>Entry point of polling: Shopify, Meta and Google connectors that pull what webhooks do not bring.</summary>
public static class PollingModule
{
    public static IServiceCollection AddPolling(this IServiceCollection services, bool runService)
    {
        services.AddOptions<PollingOptions>().BindConfiguration("Polling");
        services.TryAddSingleton<PlatformHttp>();
        services.TryAddSingleton<PollCursorStore>();
        services.TryAddSingleton<ConnectionPoller>();
        services.TryAddSingleton<PollingService>();
        if (runService)
            services.AddHostedService<BackgroundService>(sp => sp.GetRequiredService<IOptions<PollingOptions>>().Value.Enabled
                ? sp.GetRequiredService<PollingService>() : new NoPolling());
        return services;
    }

    private sealed class NoPolling : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
    }
}

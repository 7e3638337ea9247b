using GrowHalo.Simulator.Demo;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GrowHalo.Simulator;

/// <summary>
/// Entry point of the Simulator part: a simulated brand (World/), stand-ins for the Shopify, Meta and Google APIs
/// (StandIns/), a live pusher of webhooks and batches (Live/), history seeding (Seeding/) and the demo's setup (Demo/).
/// It serves nothing on GrowHalo's own port: the stand-ins run on a port of their own (see `growhalo simulate`).
/// </summary>
public static class SimulatorModule
{
    public static IServiceCollection AddSimulator(this IServiceCollection services)
    {
        services.TryAddSingleton<SimWorldStore>();
        services.TryAddSingleton<DemoSetup>();
        return services;
    }
}

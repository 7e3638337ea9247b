namespace GrowHalo.Simulator;

/// <summary>Entry point of the Simulator part: its services and its HTTP endpoints.</summary>
public static class SimulatorModule
{
    public static IServiceCollection AddSimulator(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapSimulator(this IEndpointRouteBuilder app) => app;
}

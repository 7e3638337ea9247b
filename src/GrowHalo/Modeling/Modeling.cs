namespace GrowHalo.Modeling;

/// <summary>Entry point of the Modeling part: its services and its HTTP endpoints.</summary>
public static class ModelingModule
{
    public static IServiceCollection AddModeling(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapModeling(this IEndpointRouteBuilder app) => app;
}

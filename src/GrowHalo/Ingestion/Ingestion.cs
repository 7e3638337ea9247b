using GrowHalo.EventStore;
using GrowHalo.Ingestion.Activity;

namespace GrowHalo.Ingestion;

/// <summary>Entry point of the Ingestion part: its services and its HTTP endpoints.</summary>
public static class IngestionModule
{
    public static IServiceCollection AddIngestion(this IServiceCollection services) =>
        services.AddProjection<IngestActivityProjection>();

    public static IEndpointRouteBuilder MapIngestion(this IEndpointRouteBuilder app) => app;
}

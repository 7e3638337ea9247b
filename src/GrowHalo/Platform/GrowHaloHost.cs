using System.Text.Json;
using GrowHalo.Analytics;
using GrowHalo.Dashboard;
using GrowHalo.Platform.Events;
using GrowHalo.Ingestion;
using GrowHalo.Ingestion.Polling;
using GrowHalo.Modeling;
using GrowHalo.Platform.Database;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Simulator;
using Microsoft.AspNetCore.Authentication;

namespace GrowHalo.Platform;

/// <summary>How the pieces are put together, for the HTTP server and for the command line alike.</summary>
public static class GrowHaloHost
{
    /// <summary>Everything but HTTP: database, event store, tenancy and every module's services.</summary>
    public static IServiceCollection AddGrowHaloCore(this IServiceCollection services, bool runDaemon, bool migrateOnStart)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddGrowHaloDatabase(migrateOnStart);
        services.AddGrowHaloEvents(runDaemon);
        services.AddSingleton<TenantStore>();
        services.AddSingleton<ApiKeyStore>();
        services.AddIngestion();
        services.AddPolling(runService: runDaemon);
        services.AddModeling();
        services.AddAnalytics();
        services.AddDashboard();
        services.AddSimulator();
        return services;
    }

    public static WebApplication BuildWebApplication(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.UseGrowHaloLogging();
        builder.Services.AddGrowHaloCore(runDaemon: true, migrateOnStart: true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddTenancy(builder.Configuration);
        builder.Services.AddOpenApi();

        var app = builder.Build();
        app.UseMiddleware<RequestLogging>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseTenancy();
        app.MapOpenApi("/openapi/v1.json");
        app.MapHealth();
        app.MapTenancy();
        app.MapIngestion();
        app.MapModeling();
        app.MapAnalytics();
        app.MapDashboard();
        app.MapSimulator();
        return app;
    }
}

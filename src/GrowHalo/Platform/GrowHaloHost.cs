using System.Text.Json;
using GrowHalo.Analytics;
using GrowHalo.Dashboard;
using GrowHalo.Platform.Events;
using GrowHalo.Ingestion;
using GrowHalo.Ingestion.Polling;
using GrowHalo.Ingestion.Sync;
using GrowHalo.Ingestion.Webhooks;
using GrowHalo.Modeling;
using GrowHalo.Platform.Accounts;
using GrowHalo.Platform.Database;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Privacy;
using GrowHalo.Simulator;
using Marten;
using Serilog;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace GrowHalo.Platform;

/// <summary>How the pieces are put together, for the HTTP server and for the command line alike.</summary>
public static class GrowHaloHost
{
    /// <summary>Everything but HTTP: database, event store, tenancy and every module's services.</summary>
    /// <param name="marten">More Marten configuration: the server integrates it with Wolverine.</param>
    public static IServiceCollection AddGrowHaloCore(this IServiceCollection services, bool runDaemon, bool migrateOnStart,
        Action<MartenServiceCollectionExtensions.MartenConfigurationExpression>? marten = null)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddGrowHaloDatabase(migrateOnStart);
        var events = services.AddGrowHaloEvents(runDaemon);
        marten?.Invoke(events);
        services.AddSingleton<TenantDatabases>();
        services.AddSingleton<TenantPlacement>();
        services.AddSingleton<DatabasePool>();
        services.AddSingleton<TenantMove>();
        services.AddSingleton<TenantStore>();
        services.AddSingleton<ApiKeyStore>();
        services.AddIngestion();
        services.AddPolling(runService: runDaemon);
        services.AddSync(runService: runDaemon);
        services.AddModeling();
        services.AddAnalytics();
        services.AddDashboard();
        services.AddAccounts();
        services.AddSimulator();
        services.AddPrivacy(runWorker: runDaemon);
        return services;
    }

    public static WebApplication BuildWebApplication(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        // Serilog writes every event; other logger providers (none but a test's log capture) see them too.
        builder.Logging.ClearProviders();
        // The host's own logger, not Serilog's static Log.Logger: two hosts in one process (tests) keep their logs apart.
        builder.Services.AddSerilog((services, logger) => logger.Configure(builder.Configuration).ReadFrom.Services(services),
            preserveStaticLogger: true, writeToProviders: true);
        builder.Services.AddGrowHaloCore(runDaemon: true, migrateOnStart: true, marten => marten.IntegrateWithWolverine(wolverine =>
        {
            // Wolverine's own tables (inbox, outbox, nodes) in a schema of their own, built by Wolverine at start-up.
            wolverine.MessageStorageSchemaName = "wolverine";
            wolverine.AutoCreate = JasperFx.AutoCreate.CreateOrUpdate;
        }));
        builder.Services.AddSingleton<IWolverineExtension, MainMessageDatabase>();
        builder.Host.UseWolverine(wolverine => wolverine.UseGrowHaloDiscovery());
        builder.Services.AddGrowHaloGeneratedCode();
        builder.Services.AddWolverineHttp();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        });
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = Problems.ExplainBareStatus);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddTenancy(builder.Configuration);
        builder.Services.AddGrowHaloOpenApi();
        builder.Services.AddGrowHaloSecurity(builder.Configuration);

        var app = builder.Build();
        app.UseGrowHaloSecurityHeaders();
        app.UseGrowHaloRequestLogging();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseWebhookDeadline();
        app.UseGrowHaloCors();
        app.UseTenancy();
        app.UseQueryValueChecks();
        app.UseBoundJsonBodyChecks();
        app.MapOpenApi("/openapi/v1.json");
        app.MapWolverineEndpoints(http => http.UseGrowHaloConventions());
        return app;
    }
}

/// <summary>
/// Wolverine keeps its own tables (nodes, inbox, outbox) in the master database and in each data database; with
/// Marten's sharded tenancy it must be told the master's data source, which exists only once the container does.
/// </summary>
internal sealed class MainMessageDatabase(MartenIntegration integration, Npgsql.NpgsqlDataSource master) : IWolverineExtension
{
    public void Configure(WolverineOptions options) => integration.MasterDataSource = master;
}

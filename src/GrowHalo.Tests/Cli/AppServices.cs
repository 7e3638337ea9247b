using GrowHalo.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GrowHalo.Tests.Cli;

/// <summary>The app's own services (every module's projections, status query, event store) over a given database, without a daemon.</summary>
public static class AppServices
{
    public static ServiceProvider For(string connectionString)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:GrowHalo"] = connectionString })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddLogging();
        services.AddGrowHaloCore(runDaemon: false, migrateOnStart: false);
        return services.BuildServiceProvider();
    }
}

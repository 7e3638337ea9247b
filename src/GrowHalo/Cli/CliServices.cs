using GrowHalo.Platform;
using GrowHalo.Platform.Database;

namespace GrowHalo.Cli;

/// <summary>The services a command needs: the same registrations as the server, without HTTP and without the daemon.</summary>
internal static class CliServices
{
    public static async Task<ServiceProvider> StartAsync(CancellationToken ct, bool migrate = true)
    {
        var config = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddLogging(l => l.UseGrowHaloLogging(config));
        services.AddGrowHaloCore(runDaemon: false, migrateOnStart: false);
        var provider = services.BuildServiceProvider();
        if (migrate) await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
        return provider;
    }
}

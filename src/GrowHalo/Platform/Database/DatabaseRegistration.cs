using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace GrowHalo.Platform.Database;

public static class DatabaseRegistration
{
    /// <summary>One way to open a connection: the NpgsqlDataSource of the resolved <see cref="DatabaseConnection"/>.</summary>
    public static IServiceCollection AddGrowHaloDatabase(this IServiceCollection services, bool migrateOnStart)
    {
        services.TryAddSingleton(sp =>
        {
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("GrowHalo.Database");
            return DatabaseConnection.OpenAsync(sp.GetRequiredService<IConfiguration>(), m => log.LogInformation("{Message}", m))
                .GetAwaiter().GetResult();
        });
        services.AddOptions<OutageOptions>().BindConfiguration("Outages");
        services.TryAddSingleton<NpgsqlDataSource>(sp => sp.GetRequiredService<DatabaseConnection>().DataSource);
        services.TryAddSingleton(sp => new Migrator(sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<ILogger<Migrator>>(), sp.GetService<Events.EventStoreSchema>()));
        if (migrateOnStart) services.AddHostedService<MigrateOnStart>();
        return services;
    }
}

/// <summary>Applies pending migrations before any other hosted service (the daemon) starts.</summary>
internal sealed class MigrateOnStart(Migrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken ct) => migrator.MigrateAsync(ct);
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

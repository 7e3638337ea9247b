using GrowHalo.Ingestion;
using GrowHalo.Platform.Events.Projections;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using JasperFx.MultiTenancy;
using Marten;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Weasel.Core;

namespace GrowHalo.Platform.Events;

/// <summary>
/// GrowHalo's event store is Marten's: events of every tenant in one table (conjoined tenancy), streams named by
/// string (<c>shopify:order:5001</c>), deterministic event ids kept unique, bodies as jsonb, and Marten's async daemon
/// running the projections (<see cref="ISqlProjection"/>) on one node at a time (hot/cold): another process on the
/// same database takes over when the owner dies.
/// </summary>
public static class MartenSetup
{
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddGrowHaloEvents(this IServiceCollection services, bool runDaemon)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<EventStoreOptions>().BindConfiguration("Projections");
        services.TryAddSingleton<ProjectionFailures>();
        services.TryAddSingleton<EventAppender>();
        services.TryAddSingleton<ProjectionStatusQuery>();
        services.TryAddSingleton<ProjectionRebuilder>();
        services.TryAddSingleton<EventStoreSchema>();
        var marten = services.AddMarten(sp =>
            {
                var options = Configure(sp.GetRequiredService<Npgsql.NpgsqlDataSource>(), sp.GetServices<ISqlProjection>(),
                    sp.GetRequiredService<ProjectionFailures>(), sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<EventStoreOptions>>().Value);
                if (runDaemon) options.Projections.AsyncMode = DaemonMode.HotCold;
                return options;
            })
            .UseLightweightSessions();
        if (runDaemon) marten.AddAsyncDaemon(DaemonMode.HotCold);
        return marten;
    }

    public static IServiceCollection AddProjection<T>(this IServiceCollection services) where T : class, ISqlProjection
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISqlProjection, T>());
        return services;
    }

    /// <summary>
    /// A document store outside the host (tools, tests, the bench); the caller disposes it. Its daemon is run by
    /// someone else unless <paramref name="daemon"/> says otherwise (Solo: the caller builds and runs one itself).
    /// </summary>
    public static DocumentStore CreateStore(Npgsql.NpgsqlDataSource dataSource, IEnumerable<ISqlProjection>? projections = null,
        DaemonMode daemon = DaemonMode.ExternallyManaged)
    {
        var options = Configure(dataSource, projections ?? [],
            new ProjectionFailures(Microsoft.Extensions.Logging.Abstractions.NullLogger<ProjectionFailures>.Instance), new EventStoreOptions());
        options.Projections.AsyncMode = daemon;
        return new DocumentStore(options);
    }

    /// <summary>Marten's base id for the daemon's advisory locks, GrowHalo's own rather than Marten's default.</summary>
    public const int DaemonLockId = 0x6768_0001;

    /// <summary>
    /// The advisory lock Marten's hot/cold election takes for a projection (one per shard, <c>{name}:All</c>), held by
    /// the node that runs it: how status tells the owner.
    /// </summary>
    public static int DaemonLockOf(string projection) =>
        ProjectionLockIds.Compute(EventSchema, ShardName.Compose(projection), DaemonLockId);

    private const string EventSchema = "public";

    public static StoreOptions Configure(Npgsql.NpgsqlDataSource dataSource, IEnumerable<ISqlProjection> projections,
        ProjectionFailures failures, EventStoreOptions settings)
    {
        var options = new StoreOptions();
        options.Connection(dataSource);
        options.DatabaseSchemaName = EventSchema;
        options.Events.DatabaseSchemaName = EventSchema;
        // The schema is created by `growhalo migrate` (EventStoreSchema), before anything writes: never on first use.
        options.AutoCreateSchemaObjects = JasperFx.AutoCreate.None;
        options.UseSystemTextJsonForSerialization(casing: Casing.SnakeCase);

        options.Events.TenancyStyle = TenancyStyle.Conjoined;
        options.Events.StreamIdentity = StreamIdentity.AsString;
        options.Events.AppendMode = EventAppendMode.QuickWithServerTimestamps;
        options.Events.EnableUniqueIndexOnEventId = true;
        options.Events.MetadataConfig.HeadersEnabled = true;
        // Appends wake the daemon at once (LISTEN/NOTIFY) instead of at its next poll: live lag.
        options.Events.UseListenNotifyForEventAppends = true;
        foreach (var type in SourceRecordReceived.Types.Values) options.Events.AddEventType(type);
        options.Events.AddEventType(typeof(Privacy.ShopifyPrivacyRequestReceived));

        // Commands (migrate, rebuild, status) and tools run no daemon: the server's, on any node, does the projecting.
        options.Projections.AsyncMode = DaemonMode.ExternallyManaged;
        options.Projections.DaemonLockId = DaemonLockId;
        options.Projections.StaleSequenceThreshold = settings.StaleSequenceThreshold;
        options.Projections.FastPollingTime = settings.FastPollingTime;
        options.Projections.SlowPollingTime = settings.SlowPollingTime;
        options.Projections.LeadershipPollingTime = (int)settings.LeadershipPollingTime.TotalMilliseconds;
        foreach (var projection in projections)
            options.Projections.Add(new MartenSqlProjection(projection, failures), ProjectionLifecycle.Async, projection.Name,
                async => async.BatchSize = projection.BatchSize);
        return options;
    }
}

/// <summary>The daemon's timing (configuration section "Projections").</summary>
public sealed class EventStoreOptions
{
    /// <summary>How long a sequence gap left by a rolled-back append is waited out before it is skipped (Marten's default is 3 s).</summary>
    public TimeSpan StaleSequenceThreshold { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the daemon looks for new events while it is behind.</summary>
    public TimeSpan FastPollingTime { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often it looks when caught up (appends also wake it through LISTEN/NOTIFY).</summary>
    public TimeSpan SlowPollingTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a standby node tries to take the projections over: how soon it does after the owner dies.</summary>
    public TimeSpan LeadershipPollingTime { get; set; } = TimeSpan.FromSeconds(2);
}

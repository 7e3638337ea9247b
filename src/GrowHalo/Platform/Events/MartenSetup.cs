using GrowHalo.Ingestion;
using GrowHalo.Platform.Database;
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
        services.TryAddSingleton(sp => new DataSources(sp.GetRequiredService<Npgsql.NpgsqlDataSource>()));
        var marten = services.AddMarten(sp =>
            {
                var options = Configure(sp.GetRequiredService<DataSources>(), sp.GetServices<ISqlProjection>(),
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
        var options = Configure(new DataSources(dataSource), projections ?? [],
            new ProjectionFailures(Microsoft.Extensions.Logging.Abstractions.NullLogger<ProjectionFailures>.Instance), new EventStoreOptions());
        options.Projections.AsyncMode = daemon;
        return new DocumentStore(options);
    }

    /// <summary>
    /// Marten's id for the daemon's leadership locks, GrowHalo's own rather than Marten's default. Over a pool of
    /// databases, Marten's hot/cold election takes this advisory lock in each data database: the node holding a
    /// database's lock runs every projection of that database (so several databases spread over several nodes), and
    /// another node takes over at its next leadership poll when it dies.
    /// </summary>
    public const int DaemonLockId = 0x6768_0001;

    private const string EventSchema = "public";

    /// <summary>The database every deployment starts with: the master, which is also the first data database.</summary>
    public const string MainDatabase = "main";

    /// <summary>Where Marten keeps its database pool and tenant placements, in the master database.</summary>
    public const string TenancySchema = "tenancy";

    public static StoreOptions Configure(DataSources dataSources, IEnumerable<ISqlProjection> projections,
        ProjectionFailures failures, EventStoreOptions settings)
    {
        var options = new StoreOptions();
        options.Connection(dataSources.Master);
        options.DataSourceFactory(dataSources);
        // Tenants spread over a pool of databases (Marten's sharded tenancy): the master is the first ("main"); an
        // operator adds more (`growhalo databases add`). Within each database tenants share tables (conjoined). A new
        // tenant is placed by GrowHalo on the emptiest database (TenantPlacement); one Marten meets before that (a
        // tenant from before the pool) stays on main.
        options.MultiTenantedWithShardedDatabases(pool =>
        {
            pool.DataSource = dataSources.Master;
            pool.SchemaName = TenancySchema;
            pool.PartitionSchemaName = TenancySchema;
            pool.AutoCreate = JasperFx.AutoCreate.CreateOrUpdate;
            pool.AddDatabase(MainDatabase, dataSources.Master.ConnectionString);
            pool.UseCustomAssignment(new StayOnMain());
        });
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

/// <summary>A tenant Marten meets before GrowHalo placed it (one from before the pool) is on the main database.</summary>
internal sealed class StayOnMain : Weasel.Core.MultiTenancy.ITenantAssignmentStrategy
{
    public ValueTask<string> AssignTenantToDatabaseAsync(string tenantId, IReadOnlyList<Weasel.Core.MultiTenancy.PooledDatabase> availableDatabases) =>
        ValueTask.FromResult(MartenSetup.MainDatabase);
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

using GrowHalo.Platform.Database;
using GrowHalo.Platform.Events;
using GrowHalo.Platform.Events.Projections;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events.Daemon.Coordination;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace GrowHalo.Tests.Platform.Events.Projections;

/// <summary>
/// A GrowHalo node in this process as the server runs its projections: Marten's projection coordinator in hot/cold
/// mode (the leadership election by advisory locks, then the daemon), over a data source whose connections carry the
/// given application name (the server names its own <c>growhalo:{pid}@{host}</c>).
/// </summary>
public sealed class HotColdNode : IAsyncDisposable
{
    private HotColdNode(NpgsqlDataSource dataSource, DocumentStore store, ProjectionCoordinator coordinator)
    {
        DataSource = dataSource;
        Store = store;
        Coordinator = coordinator;
    }

    public NpgsqlDataSource DataSource { get; }
    public DocumentStore Store { get; }
    public ProjectionCoordinator Coordinator { get; }

    public static async Task<HotColdNode> StartAsync(string connectionString, string applicationName, ISqlProjection[] projections)
    {
        var dataSource = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = applicationName }.ConnectionString).Build();
        var options = MartenSetup.Configure(new DataSources(dataSource), projections, new ProjectionFailures(NullLogger<ProjectionFailures>.Instance),
            new EventStoreOptions { LeadershipPollingTime = TimeSpan.FromMilliseconds(500) });
        options.Projections.AsyncMode = DaemonMode.HotCold;
        var store = new DocumentStore(options);
        var coordinator = new ProjectionCoordinator(store, NullLogger<ProjectionCoordinator>.Instance);
        await coordinator.StartAsync(CancellationToken.None);
        return new HotColdNode(dataSource, store, coordinator);
    }

    public async ValueTask DisposeAsync()
    {
        await Coordinator.DisposeAsync();
        Store.Dispose();
        await DataSource.DisposeAsync();
    }
}

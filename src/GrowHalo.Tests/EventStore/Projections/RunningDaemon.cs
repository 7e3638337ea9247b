using GrowHalo.EventStore;
using GrowHalo.EventStore.Projections;
using GrowHalo.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowHalo.Tests.EventStore.Projections;

/// <summary>
/// A projection daemon running in the test over a fresh database of its own, with the projections the test gives it;
/// plus the rebuilder and status query over the same projections. Stops the daemon and drops nothing on dispose.
/// </summary>
public sealed class RunningDaemon : IAsyncDisposable
{
    private readonly ProjectionDaemon _daemon;

    private RunningDaemon(TestDatabase db, IProjection[] projections, ProjectionDaemonOptions options)
    {
        Database = db;
        Projections = projections;
        _daemon = new ProjectionDaemon(db.DataSource, projections, Options.Create(options), NullLogger<ProjectionDaemon>.Instance);
        Rebuilder = new ProjectionRebuilder(db.DataSource, projections, NullLogger<ProjectionRebuilder>.Instance);
        Status = new ProjectionStatusQuery(db.DataSource, projections, TimeProvider.System);
    }

    public TestDatabase Database { get; }
    public NpgsqlDataSource DataSource => Database.DataSource;
    public IProjection[] Projections { get; }
    public ProjectionRebuilder Rebuilder { get; }
    public ProjectionStatusQuery Status { get; }
    public GrowHalo.EventStore.EventStore Store => new(DataSource);

    /// <summary>A fresh migrated database; <paramref name="setUp"/> creates the projections (and their tables) in it.</summary>
    public static async Task<RunningDaemon> StartAsync(
        Func<NpgsqlDataSource, Task<IProjection[]>> setUp, ProjectionDaemonOptions? options = null)
    {
        var db = new TestDatabase();
        await db.InitializeAsync();
        var daemon = new RunningDaemon(db, await setUp(db.DataSource),
            options ?? new ProjectionDaemonOptions { PollInterval = TimeSpan.FromMilliseconds(500), TakeoverInterval = TimeSpan.FromMilliseconds(200) });
        await daemon._daemon.StartAsync(CancellationToken.None);
        return daemon;
    }

    public Task WaitForNonStaleAsync(int seconds = 30) => Status.WaitForNonStaleAsync(TimeSpan.FromSeconds(seconds));

    public async Task<ProjectionStatus> StatusOfAsync(string projection) =>
        (await Status.GetAsync()).Single(s => s.Name == projection);

    /// <summary>Appends and commits; each event on its own stream key unless given.</summary>
    public Task<AppendResult> AppendAsync(string tenant, string stream, string type = "order_seen", object? data = null) =>
        Store.AppendAsync(tenant, [NewEvent.Create(tenant, stream, Guid.NewGuid().ToString(), type, data ?? new { })]);

    public async ValueTask DisposeAsync()
    {
        await _daemon.StopAsync(CancellationToken.None);
        _daemon.Dispose();
        await Database.DisposeAsync();
    }
}

using GrowHalo.Platform.Database;
using System.Collections.Concurrent;
using System.Text.Json;
using GrowHalo.Ingestion;
using GrowHalo.Platform.Events;
using GrowHalo.Platform.Events.Projections;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Modeling;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events.Daemon.Coordination;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GrowHalo.Tests.Platform.Events.Projections;

/// <summary>
/// Marten's async daemon (Solo, under Marten's projection coordinator as the server runs it) running in the test over a fresh database of its own, with the projections the test
/// gives it (plain SQL tables the test creates); plus the rebuilder, status query and appender over the same store.
/// Stops the daemon on dispose. The daemon's warnings and errors are kept in <see cref="Log"/> for failure messages.
/// </summary>
public sealed class RunningDaemon : IAsyncDisposable
{
    private RunningDaemon(TestDatabase db, ISqlProjection[] projections, DocumentStore store, ProjectionCoordinator coordinator,
        IProjectionDaemon daemon, TestLog log)
    {
        Database = db;
        Projections = projections;
        Store = store;
        Coordinator = coordinator;
        Daemon = daemon;
        DaemonLog = log;
        Rebuilder = new ProjectionRebuilder(store, Databases.Of(db.DataSource, store), projections, Failures);
        Status = new ProjectionStatusQuery(Databases.Of(db.DataSource, store), projections, TimeProvider.System);
        Appender = new EventAppender(store);
    }

    public TestDatabase Database { get; }
    public NpgsqlDataSource DataSource => Database.DataSource;
    public ISqlProjection[] Projections { get; }
    public DocumentStore Store { get; }
    /// <summary>Marten's coordinator, as the server runs it: it restarts an agent that paused on an error.</summary>
    private ProjectionCoordinator Coordinator { get; }
    public IProjectionDaemon Daemon { get; }
    public ProjectionFailures Failures { get; } = new(Microsoft.Extensions.Logging.Abstractions.NullLogger<ProjectionFailures>.Instance);
    public ProjectionRebuilder Rebuilder { get; }
    public ProjectionStatusQuery Status { get; }
    public EventAppender Appender { get; }
    private TestLog DaemonLog { get; }
    public string Log => DaemonLog.Text;

    /// <summary>
    /// A fresh migrated database; <paramref name="setUp"/> creates the projections (and their tables) in it. The
    /// daemon runs with the server's timings unless <paramref name="timing"/> says otherwise.
    /// </summary>
    public static async Task<RunningDaemon> StartAsync(Func<NpgsqlDataSource, Task<ISqlProjection[]>> setUp, EventStoreOptions? timing = null)
    {
        var db = new TestDatabase();
        await db.InitializeAsync();
        var projections = await setUp(db.DataSource);
        DocumentStore store;
        if (timing is null) store = MartenSetup.CreateStore(db.DataSource, projections, DaemonMode.Solo);
        else
        {
            var options = MartenSetup.Configure(new DataSources(db.DataSource), projections,
                new ProjectionFailures(Microsoft.Extensions.Logging.Abstractions.NullLogger<ProjectionFailures>.Instance), timing);
            options.Projections.AsyncMode = DaemonMode.Solo;
            store = new DocumentStore(options);
        }
        var log = new TestLog();
        var loggers = LoggerFactory.Create(b => b.AddProvider(new TestLogProvider(log)));
        var coordinator = new ProjectionCoordinator(store, loggers.CreateLogger<ProjectionCoordinator>());
        await coordinator.StartAsync(CancellationToken.None);
        var daemon = await coordinator.DaemonForDatabase(MartenSetup.MainDatabase);
        return new RunningDaemon(db, projections, store, coordinator, daemon, log);
    }

    public async Task WaitForNonStaleAsync(int seconds = 30)
    {
        try { await Status.WaitForNonStaleAsync(TimeSpan.FromSeconds(seconds)); }
        catch (TimeoutException e) { throw new TimeoutException(e.Message + "\nDaemon log:\n" + Log, e); }
    }

    public async Task<ProjectionStatus> StatusOfAsync(string projection) =>
        (await Status.GetAsync()).Single(s => s.Name == projection);

    /// <summary>A source event whose payload carries an amount (what <see cref="PickyProjection"/> stores).</summary>
    public static NewEvent Amount(string tenant, string stream, int amount) => Amount(tenant, stream, (object)amount);

    public static NewEvent Amount(string tenant, string stream, object amount) =>
        SourceRecords.Event(tenant, stream, Guid.NewGuid().ToString(), SourceEventTypes.ShopifyOrder,
            JsonSerializer.SerializeToElement(new { amount }));

    /// <summary>Appends in a transaction of its own and returns the events' ids.</summary>
    public async Task<Guid[]> AppendAsync(string tenant, params NewEvent[] events)
    {
        var result = await Appender.AppendAsync(tenant, events);
        Assert.Equal(events.Length, result.Appended);
        return [.. events.Select(e => e.Id)];
    }

    /// <summary>The sequence numbers Marten gave these events, in the same order.</summary>
    public async Task<long[]> SequencesOfAsync(IReadOnlyList<Guid> ids)
    {
        await using var cmd = DataSource.CreateCommand("select id, seq_id from mt_events where id = any($1)");
        cmd.Parameters.Add(new() { Value = ids.ToArray() });
        var found = new Dictionary<Guid, long>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) found[reader.GetGuid(0)] = reader.GetInt64(1);
        return [.. ids.Select(id => found[id])];
    }

    public async Task<List<long>> FailedSequencesAsync(string projection)
    {
        await using var cmd = DataSource.CreateCommand("select seq_id from projection_failures where projection = $1 order by seq_id");
        cmd.Parameters.Add(new() { Value = projection });
        var list = new List<long>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) list.Add(reader.GetInt64(0));
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        try { await Coordinator.StopAsync(CancellationToken.None); }
        finally
        {
            await Coordinator.DisposeAsync();
            Store.Dispose();
            await Database.DisposeAsync();
        }
    }

    private sealed class TestLogProvider(TestLog log) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => log;
        public void Dispose() { }
    }

    /// <summary>Keeps the daemon's warnings and errors (with their exceptions) for a failing test's message.</summary>
    private sealed class TestLog : ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();
        public string Text => string.Join('\n', _lines.TakeLast(200));
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            _lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel}: {formatter(state, exception)}{(exception is null ? "" : "\n  " + exception)}");
        }
    }
}

using Npgsql;

namespace GrowHalo.Tests.Infrastructure;

/// <summary>A fresh migrated database without the HTTP host, for tests of the event store as a library.</summary>
public sealed class TestDatabase : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    /// <summary>Marten over this database, without projections or daemon.</summary>
    public Marten.DocumentStore Store { get; private set; } = null!;

    public GrowHalo.Platform.Events.EventAppender Appender => new(Store);

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync();
        DataSource = new NpgsqlDataSourceBuilder(ConnectionString).Build();
        Store = GrowHalo.Platform.Events.MartenSetup.CreateStore(DataSource);
    }

    public async Task<long> ScalarAsync(string sql, params object[] args)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(new() { Value = a });
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public async Task DisposeAsync()
    {
        Store.Dispose();
        await DataSource.DisposeAsync();
    }
}

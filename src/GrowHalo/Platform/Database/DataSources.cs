using System.Collections.Concurrent;
using Npgsql;
using Weasel.Postgresql.Connections;


namespace GrowHalo.Platform.Database;

/// <summary>
/// The data sources Marten opens for the databases in its pool (<c>tenancy.mt_database_pool</c>): the master's own
/// for the master (one pool of connections, whatever password the stored connection string lacks), and for each other
/// database one with GrowHalo's connection settings (<see cref="DatabaseConnection.Build"/>), made once and disposed
/// with the host.
/// </summary>
public sealed class DataSources(NpgsqlDataSource master) : INpgsqlDataSourceFactory, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, NpgsqlDataSource> _others = new(StringComparer.Ordinal);

    public NpgsqlDataSource Master => master;

    public NpgsqlDataSource Create(string connectionString) =>
        SameDatabase(connectionString, master.ConnectionString)
            ? master
            : _others.GetOrAdd(connectionString, cs => DatabaseConnection.Build(cs, "growhalo-data"));

    public NpgsqlDataSource Create(string masterConnectionString, string databaseName) =>
        Create(new NpgsqlConnectionStringBuilder(masterConnectionString) { Database = databaseName }.ConnectionString);

    /// <summary>Host, port and database name: what says two connection strings reach the same database.</summary>
    public static bool SameDatabase(string a, string b)
    {
        var (x, y) = (new NpgsqlConnectionStringBuilder(a), new NpgsqlConnectionStringBuilder(b));
        return string.Equals(x.Host, y.Host, StringComparison.OrdinalIgnoreCase) && x.Port == y.Port &&
               string.Equals(x.Database ?? x.Username, y.Database ?? y.Username, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var dataSource in _others.Values) await dataSource.DisposeAsync();
        _others.Clear();
    }
}

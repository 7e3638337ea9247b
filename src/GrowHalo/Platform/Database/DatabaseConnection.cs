using Microsoft.Extensions.Configuration;
using Npgsql;

namespace GrowHalo.Platform.Database;

/// <summary>
/// Where GrowHalo's database is: GROWHALO_DATABASE_URL or ConnectionStrings:GrowHalo when set,
/// otherwise a private local PostgreSQL server (see <see cref="LocalPostgres"/>), stopped on dispose.
/// </summary>
public sealed class DatabaseConnection : IAsyncDisposable
{
    private readonly LocalPostgres? _local;

    private DatabaseConnection(string connectionString, LocalPostgres? local)
    {
        ConnectionString = connectionString;
        _local = local;
        DataSource = Build(connectionString, "growhalo");
    }

    private const int DefaultReadBufferSize = 8192;

    /// <summary>A data source with GrowHalo's connection settings (each unless the connection string sets it): the master's and every data database's.</summary>
    public static NpgsqlDataSource Build(string connectionString, string name) =>
        new NpgsqlDataSourceBuilder(Tune(connectionString)) { Name = name }.Build();

    private static string Tune(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // The application name tells which process holds a projection (see projections status).
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = $"growhalo:{Environment.ProcessId}@{Environment.MachineName}";
        // Projections read pages of about 2 MB of event bodies: with Npgsql's default 8 KB read buffer that is hundreds
        // of socket reads (each arming a command-timeout timer) per page. A connection string that sets it wins.
        if (builder.ReadBufferSize == DefaultReadBufferSize) builder.ReadBufferSize = 64 * 1024;
        // GrowHalo runs the same few statements all day (appends, projection upserts, metric queries): prepared once per
        // connection, PostgreSQL parses and plans each once instead of on every call, and a pooled connection keeps
        // its plans — including those inside Marten's append function — where a plain reset (DISCARD ALL) would drop them.
        // Plans stay custom (made for each call's values): several statements take optional filters ("$2 is null or
        // tenant_id = $2"), for which one generic plan would scan everything.
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
            if (string.IsNullOrEmpty(builder.Options)) builder.Options = "-c plan_cache_mode=force_custom_plan";
        }
        // A transaction left open by a bug would hold Marten's high-water mark at its sequence numbers forever and stall
        // every projection: PostgreSQL ends one that sits idle for a minute. (GrowHalo's own transactions never idle.)
        if (builder.Options?.Contains("idle_in_transaction_session_timeout", StringComparison.Ordinal) != true)
            builder.Options = $"{builder.Options} -c idle_in_transaction_session_timeout=60000".Trim();
        return builder.ConnectionString;
    }

    public string ConnectionString { get; }
    public NpgsqlDataSource DataSource { get; }
    public bool IsLocalServer => _local is not null;

    public static async Task<DatabaseConnection> OpenAsync(IConfiguration configuration, Action<string>? log = null, CancellationToken ct = default)
    {
        var configured = Configured(configuration);
        if (configured is not null) return new DatabaseConnection(configured, null);
        var port = int.TryParse(configuration["GROWHALO_PG_PORT"] ?? Environment.GetEnvironmentVariable("GROWHALO_PG_PORT"), out var p)
            ? p : LocalPostgresOptions.DefaultPort;
        var local = await LocalPostgres.StartAsync(new LocalPostgresOptions(LocalPostgresOptions.DefaultDataDirectory(), port), log, ct);
        return new DatabaseConnection(local.ConnectionString, local);
    }

    public static string? Configured(IConfiguration configuration)
    {
        var url = configuration["GROWHALO_DATABASE_URL"] ?? Environment.GetEnvironmentVariable("GROWHALO_DATABASE_URL");
        if (!string.IsNullOrWhiteSpace(url)) return PostgresUrl.ToConnectionString(url);
        var cs = configuration.GetConnectionString("GrowHalo");
        return string.IsNullOrWhiteSpace(cs) ? null : cs;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (_local is not null) await _local.DisposeAsync();
    }
}

/// <summary>Accepts postgres://user:pass@host:port/db?sslmode=… URLs as well as Npgsql key=value strings.</summary>
public static class PostgresUrl
{
    public static string ToConnectionString(string value)
    {
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) &&
            !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)) return value;
        var uri = new Uri(value);
        var userInfo = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
            Username = userInfo.Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : null,
            Password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : null,
        };
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv[0].Equals("sslmode", StringComparison.OrdinalIgnoreCase) && kv.Length == 2 &&
                Enum.TryParse<SslMode>(kv[1], ignoreCase: true, out var mode)) builder.SslMode = mode;
        }
        return builder.ConnectionString;
    }
}

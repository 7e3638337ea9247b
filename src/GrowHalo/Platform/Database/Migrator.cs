using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GrowHalo.Platform.Database;

/// <summary>
/// Versioned schema migrations: every embedded resource named <c>NNNN_name.sql</c> anywhere in the assembly,
/// applied once each in version order. Safe to run twice and from two processes at once: the whole run holds a
/// transaction-scoped advisory lock, and each migration commits with its row in <c>schema_migrations</c>.
/// Version ranges by folder: 0001–0099 the event store (Platform/Events/Migrations: the tables before Marten, kept for their data), 0100s Platform, 0200s Ingestion, 0300s Modeling, 0400s Analytics.
/// </summary>
/// Then Marten's event store schema (<see cref="Events.EventStoreSchema"/>), when given: it puts its tables behind the
/// row-level security the 0100s define.
public sealed class Migrator(NpgsqlDataSource dataSource, ILogger<Migrator> logger, Events.EventStoreSchema? eventStore = null)
{
    private const long LockKey = 0x67726F7768616C6F; // "growhalo"

    public static IReadOnlyList<Migration> All { get; } = Discover();

    /// <summary>The master's migrations, then (through the event store schema) every data database's.</summary>
    public async Task<int> MigrateAsync(CancellationToken ct = default)
    {
        var count = await ApplySqlAsync(dataSource, logger, ct);
        if (eventStore is not null) await eventStore.ApplyAsync(ct);
        return count;
    }

    /// <summary>GrowHalo's own migrations in one database; how many were applied.</summary>
    public static async Task<int> ApplySqlAsync(NpgsqlDataSource dataSource, ILogger? logger, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await Exec(conn, "select pg_advisory_xact_lock($1)", ct, LockKey);
        await Exec(conn, """
            create table if not exists schema_migrations (
                version int primary key,
                name text not null,
                applied_at timestamptz not null default now())
            """, ct);
        var applied = new HashSet<int>();
        await using (var cmd = new NpgsqlCommand("select version from schema_migrations", conn))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) applied.Add(reader.GetInt32(0));

        var count = 0;
        foreach (var migration in All.Where(m => !applied.Contains(m.Version)))
        {
            logger?.LogInformation("Applying migration {Version} {Name} to {Database}", migration.Version, migration.Name, conn.Database);
            await Exec(conn, migration.Sql, ct);
            await Exec(conn, "insert into schema_migrations (version, name) values ($1, $2)", ct, migration.Version, migration.Name);
            count++;
        }
        await tx.CommitAsync(ct);
        return count;
    }

    private static async Task Exec(NpgsqlConnection conn, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static List<Migration> Discover()
    {
        var assembly = typeof(Migrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var file = resource[..^4].Split('.').Last();
            var underscore = file.IndexOf('_');
            if (underscore != 4 || !int.TryParse(file[..4], out var version)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(version, file[5..], reader.ReadToEnd()));
        }
        var clash = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null) throw new InvalidOperationException($"Two migrations share version {clash.Key}: {string.Join(", ", clash.Select(m => m.Name))}");
        return migrations.OrderBy(m => m.Version).ToList();
    }
}

public sealed record Migration(int Version, string Name, string Sql);

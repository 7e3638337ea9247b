using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.Platform.Events.Projections;

public sealed record ProjectionStatus(
    string Name, string Position, long LagEvents, double LagSeconds, long Failures, string? LastFailure,
    string? Owner, DateTimeOffset? UpdatedAt);

/// <summary>
/// Where each projection stands, from Marten's progress table (mt_event_progression, shard <c>{name}:All</c>): its
/// sequence, how many events of the log are past it (and how old the oldest is), its failures, and which process
/// runs it: the session holding the daemon's leadership lock of its database (<see cref="MartenSetup.DaemonLockId"/>),
/// named by its application name (<c>growhalo:{pid}@{host}</c>).
/// </summary>
public sealed class ProjectionStatusQuery(Tenancy.TenantDatabases databases, IEnumerable<ISqlProjection> projections, TimeProvider clock)
{
    /// <summary>
    /// A tenant's: in its data database. Everyone's: summed over the data databases, each projection's position named
    /// and owner per database when there are several (<c>main 1204 · eu 77</c>), its lag the oldest of them.
    /// </summary>
    public async Task<IReadOnlyList<ProjectionStatus>> GetAsync(string? tenantId = null, CancellationToken ct = default)
    {
        if (tenantId is not null) return await GetAsync(await databases.ForTenantAsync(tenantId, ct), tenantId, ct);
        var all = await databases.ListAsync(ct);
        if (all.Count == 1) return await GetAsync(all[0].DataSource, null, ct);
        var each = new List<(string Database, IReadOnlyList<ProjectionStatus> Statuses)>();
        foreach (var database in all) each.Add((database.Id, await GetAsync(database.DataSource, null, ct)));
        return [.. projections.Select(p =>
        {
            var rows = each.Select(e => (e.Database, Status: e.Statuses.Single(s => s.Name == p.Name))).ToList();
            var failed = rows.Where(r => r.Status.LastFailure is not null).Select(r => r.Status).OrderByDescending(s => s.UpdatedAt).FirstOrDefault();
            var owners = rows.Where(r => r.Status.Owner is not null).Select(r => $"{r.Database} {r.Status.Owner}").ToList();
            return new ProjectionStatus(p.Name, string.Join(" · ", rows.Select(r => $"{r.Database} {r.Status.Position}")),
                rows.Sum(r => r.Status.LagEvents), rows.Max(r => r.Status.LagSeconds), rows.Sum(r => r.Status.Failures), failed?.LastFailure,
                owners.Count == 0 ? null : string.Join(" · ", owners), rows.Max(r => r.Status.UpdatedAt));
        })];
    }

    private async Task<IReadOnlyList<ProjectionStatus>> GetAsync(NpgsqlDataSource dataSource, string? tenantId, CancellationToken ct)
    {
        var owner = await LeaderAsync(dataSource, ct);
        var result = new List<ProjectionStatus>();
        foreach (var p in projections)
        {
            await using var cmd = dataSource.CreateCommand("""
                with progress as (
                    select coalesce((select last_seq_id from mt_event_progression where name = $1), 0) as seq_id,
                           (select last_updated from mt_event_progression where name = $1) as updated_at)
                select progress.seq_id,
                       (select count(*) from mt_events e where e.seq_id > progress.seq_id and e.type <> 'tombstone'
                            and ($2::text is null or e.tenant_id = $2)),
                       (select min(e.timestamp) from mt_events e where e.seq_id > progress.seq_id and e.type <> 'tombstone'
                            and ($2::text is null or e.tenant_id = $2)),
                       (select count(*) from projection_failures f where f.projection = $3 and ($2::text is null or f.tenant_id = $2)),
                       (select f.error from projection_failures f where f.projection = $3 and ($2::text is null or f.tenant_id = $2)
                            order by f.failed_at desc limit 1),
                       progress.updated_at
                from progress
                """);
            cmd.Parameters.Add(new() { Value = p.Name + ":All" });
            cmd.Parameters.Add(new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new() { Value = p.Name });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            var oldest = r.IsDBNull(2) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(2);
            var lagSeconds = oldest is null ? 0 : Math.Max(0, (clock.GetUtcNow() - oldest.Value).TotalSeconds);
            result.Add(new ProjectionStatus(p.Name, r.GetInt64(0).ToString(), r.GetInt64(1), Math.Round(lagSeconds, 3), r.GetInt64(3),
                r.IsDBNull(4) ? null : r.GetString(4), owner,
                r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5)));
        }
        return result;
    }

    /// <summary>The process holding the daemon's leadership lock of a data database (<see cref="MartenSetup.DaemonLockId"/>), if any.</summary>
    private static async Task<string?> LeaderAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted and l.objsubid = 1
              and l.database = (select oid from pg_database where datname = current_database())
              and ((l.classid::bigint << 32) | l.objid::bigint) = $1
            limit 1
            """);
        cmd.Parameters.Add(new() { Value = (long)MartenSetup.DaemonLockId });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Waits until every projection has caught up with every event committed before the call.</summary>
    public async Task WaitForNonStaleAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        // Real elapsed time, not the injected clock: a test's frozen business clock must not make this wait forever.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var statuses = await GetAsync(ct: ct);
            if (statuses.All(s => s.LagEvents == 0)) return;
            if (waited.Elapsed > timeout)
                throw new TimeoutException("Projections still behind: " + string.Join(", ", statuses.Where(s => s.LagEvents > 0).Select(s => $"{s.Name} ({s.LagEvents} events)")));
            await Task.Delay(50, ct);
        }
    }
}

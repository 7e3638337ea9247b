using Npgsql;

namespace GrowHalo.EventStore.Projections;

public sealed record ProjectionStatus(
    string Name, string Position, long LagEvents, double LagSeconds, long Failures, string? LastFailure,
    string? Owner, DateTimeOffset? UpdatedAt);

/// <summary>Where each projection stands: its position, how far behind the log it is, its failures and its owner.</summary>
public sealed class ProjectionStatusQuery(NpgsqlDataSource dataSource, IEnumerable<IProjection> projections, TimeProvider clock)
{
    public async Task<IReadOnlyList<ProjectionStatus>> GetAsync(string? tenantId = null, CancellationToken ct = default)
    {
        var result = new List<ProjectionStatus>();
        foreach (var p in projections)
        {
            await using var cmd = dataSource.CreateCommand("""
                with progress as (
                    select coalesce((select tx_id from projection_progress where name = $1), '0'::xid8) as tx_id,
                           coalesce((select seq_id from projection_progress where name = $1), 0) as seq_id,
                           (select updated_at from projection_progress where name = $1) as updated_at)
                select progress.tx_id::text || '/' || progress.seq_id,
                       (select count(*) from events e where (e.tx_id, e.seq_id) > (progress.tx_id, progress.seq_id)
                            and ($2::text[] is null or e.type = any($2)) and ($3::text is null or e.tenant_id = $3)),
                       (select min(e.created_at) from events e where (e.tx_id, e.seq_id) > (progress.tx_id, progress.seq_id)
                            and ($2::text[] is null or e.type = any($2)) and ($3::text is null or e.tenant_id = $3)),
                       (select count(*) from projection_failures f where f.projection = $1 and ($3::text is null or f.tenant_id = $3)),
                       (select f.error from projection_failures f where f.projection = $1 and ($3::text is null or f.tenant_id = $3)
                            order by f.failed_at desc limit 1),
                       progress.updated_at
                from progress
                """);
            cmd.Parameters.Add(new() { Value = p.Name });
            cmd.Parameters.Add(new() { Value = (object?)p.EventTypes?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
            cmd.Parameters.Add(new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            ProjectionStatus status;
            // The reader is disposed exactly once, before the next query: Npgsql reuses reader objects per connection,
            // so disposing one twice can close a reader (and reset a connection) that the daemon is using by then.
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                await r.ReadAsync(ct);
                var oldest = r.IsDBNull(2) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(2);
                var lagSeconds = oldest is null ? 0 : Math.Max(0, (clock.GetUtcNow() - oldest.Value).TotalSeconds);
                status = new ProjectionStatus(p.Name, r.GetString(0), r.GetInt64(1), Math.Round(lagSeconds, 3), r.GetInt64(3),
                    r.IsDBNull(4) ? null : r.GetString(4), null, r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5));
            }
            result.Add(status with { Owner = await ProjectionLock.OwnerAsync(dataSource, p.Name, ct) });
        }
        return result;
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

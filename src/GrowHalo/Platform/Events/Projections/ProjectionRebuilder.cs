using JasperFx.Events;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.Platform.Events.Projections;

public sealed record RebuildProgress(string Projection, long Processed, long Total);

/// <summary>
/// <c>growhalo projections rebuild [--projection NAME] [--tenant ID]</c>: deletes a projection's rows (all, or one
/// tenant's) and replays the committed events page by page with the projection's own code, then leaves Marten's
/// progress for the projection where the replay ended.
/// <para>Why by our code rather than Marten's <c>RebuildProjectionAsync</c>: the server's daemon may keep running (on
/// this node or another) and Marten's rebuild would take the shard over from under it; and a tenant's rebuild must
/// replay that tenant's events alone (a conjoined event table holds every tenant's in one sequence). The rebuild holds
/// the progress row and the projection's lock (<see cref="ProjectionRun.LockAsync"/>): a daemon page in flight commits
/// first, and the next one finds the progress moved (Marten's optimistic progress update) and starts again from
/// there: nothing applied twice, nothing skipped.</para>
/// <para>Each <see cref="IRebuildFollower"/> is told when a projection's replay has ended.</para>
/// </summary>
public sealed class ProjectionRebuilder(IDocumentStore store, Tenancy.TenantDatabases databases, IEnumerable<ISqlProjection> projections,
    ProjectionFailures failures, IEnumerable<IRebuildFollower>? followers = null)
{
    public const int PageSize = 4000;

    public IReadOnlyList<string> Names => projections.Select(p => p.Name).ToList();

    public async Task RebuildAsync(string? projectionName, string? tenantId, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        var selected = projections.Where(p => projectionName is null || p.Name == projectionName).ToList();
        if (selected.Count == 0)
            throw new ArgumentException($"There is no projection named '{projectionName}'. Projections: {string.Join(", ", projections.Select(p => p.Name))}.");
        // A tenant's rebuild runs in its data database; a whole one in each data database, one after the other.
        var targets = tenantId is null
            ? [.. (await databases.ListAsync(ct)).Select(d => (d.Id, d.DataSource))]
            : new List<(string Id, NpgsqlDataSource DataSource)> { (await databases.DatabaseIdOfAsync(tenantId, ct), await databases.ForTenantAsync(tenantId, ct)) };
        foreach (var projection in selected)
        {
            foreach (var (databaseId, dataSource) in targets)
                await RebuildOneAsync(projection, tenantId, databaseId, dataSource, progress, ct);
            foreach (var follower in followers ?? []) await follower.RebuiltAsync(projection.Name, tenantId, ct);
        }
    }

    private async Task RebuildOneAsync(ISqlProjection projection, string? tenantId, string databaseId, NpgsqlDataSource dataSource,
        IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        var shard = projection.Name + ":All";
        await using var lockConnection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            long upTo, total;
            await using (var conn = await dataSource.OpenConnectionAsync(ct))
            await using (var tx = await conn.BeginTransactionAsync(ct))
            {
                var context = new ProjectionContext(conn, tx);
                // Locks in the daemon's order (its page updates the progress row, then takes the projection's lock): the
                // progress row first, waiting for a page in flight to commit, then the projection's lock, held on its own
                // connection until the replay ends, so the daemon's next page waits for the rebuild.
                // A projection the daemon never ran has no progress row: Marten inserts it with its first page, so the
                // rebuild leaves it absent rather than at 0 (which the daemon would try to insert again).
                long position;
                await using (var row = context.Command("select last_seq_id from mt_event_progression where name = $1 for update"))
                {
                    row.Parameters.Add(new() { Value = shard });
                    position = await row.ExecuteScalarAsync(ct) is long at ? at : 0;
                }
                await using (var take = new NpgsqlCommand("select pg_advisory_lock(hashtextextended('growhalo:projection:' || $1, 0))", lockConnection)
                                 { Parameters = { new() { Value = projection.Name } }, CommandTimeout = 0 })
                    await take.ExecuteNonQueryAsync(ct);

                // A tenant's rebuild replays up to where the projection stands (other tenants' events past it are the
                // daemon's); a whole rebuild up to every committed event, and moves the projection there.
                upTo = tenantId is null ? await ReplayEndAsync(context, ct) : position;
                total = await CountAsync(dataSource, upTo, tenantId, ct);
                progress?.Report(new RebuildProgress(projection.Name, 0, total));
                await projection.ResetAsync(context, tenantId, ct);
                await using (var clear = context.Command("delete from projection_failures where projection = $1 and ($2::text is null or tenant_id = $2)"))
                {
                    clear.Parameters.Add(new() { Value = projection.Name });
                    clear.Parameters.Add(new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                    await clear.ExecuteNonQueryAsync(ct);
                }
                if (tenantId is null && upTo > 0)
                {
                    await using var move = context.Command("""
                        insert into mt_event_progression (name, last_seq_id, last_updated) values ($2, $1, now())
                        on conflict (name) do update set last_seq_id = greatest(mt_event_progression.last_seq_id, $1), last_updated = now()
                        """);
                    move.Parameters.Add(new() { Value = upTo });
                    move.Parameters.Add(new() { Value = shard });
                    await move.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
            }

            long after = 0, done = 0;
            while (true)
            {
                var page = await PageAsync(databaseId, after, upTo, tenantId, ct);
                if (page.Count == 0) break;
                await using var conn = await dataSource.OpenConnectionAsync(ct);
                await using var tx = await conn.BeginTransactionAsync(ct);
                await ProjectionRun.ApplyAsync(projection, failures, page, new ProjectionContext(conn, tx), ct, takeLock: false);
                await tx.CommitAsync(ct);
                after = page[^1].Sequence;
                done += page.Count;
                progress?.Report(new RebuildProgress(projection.Name, done, total));
            }
            if (done != total) progress?.Report(new RebuildProgress(projection.Name, done, done));
    
        }
        finally
        {
            // Explicitly: a pooled connection keeps its session's locks until it is next used.
            await using var release = new NpgsqlCommand("select pg_advisory_unlock(hashtextextended('growhalo:projection:' || $1, 0))", lockConnection)
                { Parameters = { new() { Value = projection.Name } } };
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Where the replay ends: the projection's own position or the daemon's high-water mark (everything below it is
    /// committed), whichever is further; with no daemon yet, the end of the log. The projection then stands there:
    /// the daemon goes on from it.
    /// </summary>
    private static async Task<long> ReplayEndAsync(ProjectionContext context, CancellationToken ct)
    {
        await using var cmd = context.Command("""
            select greatest(coalesce((select last_seq_id from mt_event_progression where name = 'HighWaterMark'),
                                     (select max(seq_id) from mt_events), 0),
                            (select max(last_seq_id) from mt_event_progression where name like '%:All'))
            """);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, long upTo, string? tenantId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "select count(*) from mt_events where seq_id <= $1 and type <> 'tombstone' and ($2::text is null or tenant_id = $2)");
        cmd.Parameters.Add(new() { Value = upTo });
        cmd.Parameters.Add(new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task<IReadOnlyList<IEvent>> PageAsync(string databaseId, long after, long upTo, string? tenantId, CancellationToken ct)
    {
        await using var session = tenantId is null
            ? store.QuerySession(Marten.Services.SessionOptions.ForDatabase(await store.Storage.FindOrCreateDatabase(databaseId)))
            : store.QuerySession(tenantId);
        var events = session.Events.QueryAllRawEvents().Where(e => e.Sequence > after && e.Sequence <= upTo && e.EventTypeName != "tombstone");
        if (tenantId is null) events = events.Where(e => e.AnyTenant());
        return await events.OrderBy(e => e.Sequence).Take(PageSize).ToListAsync(ct);
    }
}

using JasperFx.Events;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.Platform.Events.Projections;

public sealed record RebuildProgress(string Projection, long Processed, long Total);

/// <summary>
/// <c>growhalo projections rebuild [--projection NAME] [--tenant ID]</c>: deletes a projection's rows (all, or one
/// tenant's) and replays the committed events page by page with the projection's own code.
/// <para>Why by our code rather than Marten's <c>RebuildProjectionAsync</c>: the server's daemon may keep running (on
/// this node or another) and Marten's rebuild would take the shard over from under it; and a tenant's rebuild must
/// replay that tenant's events alone (a conjoined event table holds every tenant's in one sequence). The rebuild holds
/// the progress row while it starts and the projection's lock until its replay ends (<see cref="ProjectionRun.LockAsync"/>):
/// a daemon page in flight commits first, and the next one waits for the replay to end.</para>
/// <para>Marten's progress row stays the daemon's alone. A whole rebuild replays up to every committed event and
/// records how far in <c>projection_replays</c>; the daemon's pages pass over events up to there. (Moving the progress
/// row instead raced the daemon: a page it had read from the old position then failed Marten's optimistic progress
/// check, and Marten stops a shard on that until the node restarts.)</para>
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
                long position;
                await using (var row = context.Command("select last_seq_id from mt_event_progression where name = $1 for update"))
                {
                    row.Parameters.Add(new() { Value = shard });
                    position = await row.ExecuteScalarAsync(ct) is long at ? at : 0;
                }
                await using (var take = new NpgsqlCommand("select pg_advisory_lock(hashtextextended('growhalo:projection:' || $1, 0))", lockConnection)
                                 { Parameters = { new() { Value = projection.Name } }, CommandTimeout = 0 })
                    await take.ExecuteNonQueryAsync(ct);

                // Everything the daemon's pages will pass over must be replayed: up to where the projection stands or an
                // earlier whole rebuild replayed, whichever is further. A tenant's rebuild goes no further (other
                // tenants' events past it are the daemon's); a whole one goes on to every committed event, and records it.
                var replayed = Math.Max(position, await ProjectionRun.ReplayedThroughAsync(context, projection.Name, ct));
                upTo = tenantId is null ? Math.Max(replayed, await ReplayEndAsync(context, ct)) : replayed;
                total = await CountAsync(dataSource, upTo, tenantId, ct);
                progress?.Report(new RebuildProgress(projection.Name, 0, total));
                await projection.ResetAsync(context, tenantId, ct);
                await using (var clear = context.Command("delete from projection_failures where projection = $1 and ($2::text is null or tenant_id = $2)"))
                {
                    clear.Parameters.Add(new() { Value = projection.Name });
                    clear.Parameters.Add(new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                    await clear.ExecuteNonQueryAsync(ct);
                }
                if (tenantId is null && upTo > position)
                {
                    await using var record = context.Command("""
                        insert into projection_replays (projection, replayed_through) values ($1, $2)
                        on conflict (projection) do update set replayed_through = greatest(projection_replays.replayed_through, $2), replayed_at = now()
                        """);
                    record.Parameters.Add(new() { Value = projection.Name });
                    record.Parameters.Add(new() { Value = upTo });
                    await record.ExecuteNonQueryAsync(ct);
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
    /// committed), whichever is further; with no daemon yet, the end of the log. The daemon's pages pass over what
    /// was replayed (<c>projection_replays</c>) and go on from there.
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

using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GrowHalo.EventStore.Projections;

public sealed record RebuildProgress(string Projection, long Processed, long Total);

/// <summary>
/// Replays a projection from the first event while the server may keep running. It takes the projection's rebuild
/// lock (the live owner steps aside between two batches), then ownership itself, and hands back when done.
/// A whole rebuild clears the rows and replays in committed batches, so a crash half-way resumes where it stopped.
/// A tenant rebuild clears and replays that tenant's rows in one transaction, up to where the projection stands.
/// A projection is rebuilt with those it follows and those following it (<see cref="IProjection.Follows"/>), leaders first.
/// </summary>
public sealed class ProjectionRebuilder(NpgsqlDataSource dataSource, IEnumerable<IProjection> projections, ILogger<ProjectionRebuilder> logger)
{
    public IReadOnlyList<string> Names => projections.Select(p => p.Name).ToList();

    public async Task RebuildAsync(string? projectionName, string? tenantId, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        var selected = projections.Where(p => projectionName is null || p.Name == projectionName).ToList();
        if (selected.Count == 0)
            throw new ArgumentException($"There is no projection named '{projectionName}'. Known projections: {string.Join(", ", Names)}.");
        foreach (var group in Groups(selected)) await RebuildGroupAsync(group, tenantId, progress, ct);
    }

    /// <summary>
    /// The selected projections with those they follow and those following them: a follower reads what its leader
    /// wrote, so the two are rebuilt together. Leaders come first; otherwise in registration order.
    /// </summary>
    private List<List<IProjection>> Groups(IReadOnlyCollection<IProjection> selected)
    {
        var all = projections.ToList();
        var groups = new List<List<IProjection>>();
        foreach (var projection in selected)
        {
            if (groups.Any(g => g.Contains(projection))) continue;
            var group = new HashSet<IProjection> { projection };
            for (var grew = true; grew;)
            {
                var related = all.Where(p => !group.Contains(p) && group.Any(g => g.Follows == p.Name || p.Follows == g.Name)).ToList();
                group.UnionWith(related);
                grew = related.Count > 0;
            }
            groups.Add(all.Where(group.Contains).OrderBy(p => Depth(p, all)).ToList());
        }
        return groups;
    }

    private static int Depth(IProjection projection, List<IProjection> all)
    {
        var depth = 0;
        for (var p = projection; p.Follows is { } leader && all.FirstOrDefault(x => x.Name == leader) is { } next && depth < all.Count; p = next) depth++;
        return depth;
    }

    /// <summary>
    /// Every projection of the group steps aside and is owned here before any is cleared: a follower left running
    /// while its leader replays would consume what the replay writes for it, then be cleared itself.
    /// </summary>
    private async Task RebuildGroupAsync(List<IProjection> group, string? tenantId, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        var held = new Stack<IAsyncDisposable>();
        try
        {
            foreach (var projection in group) held.Push(await ProjectionLock.RequestRebuildAsync(dataSource, projection.Name, ct));
            await WakeOwnersAsync(ct);
            foreach (var projection in group) held.Push(await ProjectionLock.OwnAsync(dataSource, projection.Name, ct));
            var runners = new List<(ProjectionRunner Runner, long Total)>();
            foreach (var projection in group)
            {
                var total = await CountAsync(projection, tenantId, ct);
                logger.LogInformation("Rebuilding projection {Projection} for {Scope}: {Total} events",
                    projection.Name, tenantId is null ? "all tenants" : $"tenant {tenantId}", total);
                progress?.Report(new RebuildProgress(projection.Name, 0, total));
                runners.Add((new ProjectionRunner(dataSource, projection, ProjectionDaemonOptions.DefaultBatchSize, logger), total));
            }
            if (tenantId is null)
            {
                foreach (var (runner, _) in runners) await ResetAllAsync(runner, ct);
                foreach (var (runner, total) in runners) await ReplayAllAsync(runner, total, progress, ct);
            }
            else
                foreach (var (runner, total) in runners) await RebuildTenantAsync(runner, tenantId, total, progress, ct);
        }
        finally
        {
            while (held.TryPop(out var h)) await h.DisposeAsync();
        }
    }

    private async Task ResetAllAsync(ProjectionRunner runner, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await runner.LockProgressAsync(conn, tx, ct);
        await runner.Projection.ResetAsync(new ProjectionContext(conn, tx), null, ct);
        await runner.SaveProgressAsync(conn, tx, FeedPosition.Start, ct);
        await ClearFailuresAsync(conn, tx, runner.Projection.Name, null, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Replays batch after batch until the log is read to its end. An empty batch is the end only if nothing is held up:
    /// events committed behind an older transaction still open somewhere on the server cannot be read yet, and the
    /// replay waits for it, as the daemon does, rather than stopping short.
    /// </summary>
    private static async Task ReplayAllAsync(ProjectionRunner runner, long total, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        long processed = 0;
        var wait = TimeSpan.Zero;
        while (true)
        {
            var batch = await runner.RunBatchAsync(ct);
            if (batch.Events > 0)
            {
                processed += batch.Events;
                progress?.Report(new RebuildProgress(runner.Projection.Name, processed, Math.Max(total, processed)));
                continue;
            }
            if (!batch.Blocked) return;
            wait = ProjectionRunner.BlockedRetryAfter(wait);
            await Task.Delay(wait, ct);
        }
    }

    private async Task RebuildTenantAsync(ProjectionRunner runner, string tenantId, long total, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var upTo = await runner.LockProgressAsync(conn, tx, ct);
        var context = new ProjectionContext(conn, tx) { TenantId = tenantId };
        await runner.Projection.ResetAsync(context, tenantId, ct);
        await ClearFailuresAsync(conn, tx, runner.Projection.Name, tenantId, ct);
        var after = FeedPosition.Start;
        long processed = 0;
        while (true)
        {
            var page = await EventFeed.ReadAsync(conn, tx, after, ProjectionDaemonOptions.DefaultBatchSize, runner.Projection.EventTypes, tenantId, upTo,
                runner.Projection.Reads, runner.Projection.CreateReducer(), ct);
            if (page.Count == 0) break;
            await ApplyPassingOverPoisonAsync(runner, context with { From = after, Through = page.Next }, page, tenantId, ct);
            after = page.Next;
            processed += page.Count;
            progress?.Report(new RebuildProgress(runner.Projection.Name, processed, Math.Max(total, processed)));
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// As the daemon does, an event the projection cannot apply is recorded in projection_failures and passed over
    /// rather than failing the whole rebuild; savepoints stand in for the daemon's transactions, since a tenant rebuild is one.
    /// </summary>
    private async Task ApplyPassingOverPoisonAsync(ProjectionRunner runner, ProjectionContext context, EventFeed.Page page, string tenantId, CancellationToken ct)
    {
        var tx = context.Transaction;
        await tx.SaveAsync("page", ct);
        try
        {
            if (page.ReductionError is { } unreadable) ExceptionDispatchInfo.Throw(unreadable);
            await runner.Projection.ApplyAsync(page.Events, context with { Prepared = page.Reduction }, ct);
            await tx.ReleaseAsync("page", ct);
            return;
        }
        catch (Exception e) when (ProjectionRunner.IsPoison(e)) { await tx.RollbackAsync("page", ct); }
        var from = context.From;
        foreach (var e in await runner.EventsToRetryAsync(context.Connection, tx, page, from, tenantId, ct))
        {
            await tx.SaveAsync("event", ct);
            try
            {
                await runner.ApplyOneAsync(e, context with { From = from, Through = e.Position }, ct);
                await tx.ReleaseAsync("event", ct);
            }
            catch (Exception error) when (ProjectionRunner.IsPoison(error))
            {
                await tx.RollbackAsync("event", ct);
                logger.LogError(error, "Projection {Projection} failed on event {Sequence} ({Type}, tenant {Tenant}) during a rebuild; recorded and skipped",
                    runner.Projection.Name, e.Sequence, e.Type, e.TenantId);
                await runner.InsertFailureAsync(context.Connection, tx, e, error, ct);
            }
            from = e.Position;
        }
    }

    /// <summary>An idle owner sleeps until an append notifies it; this notification makes it see the rebuild request now.</summary>
    private async Task WakeOwnersAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select pg_notify($1, '')");
        cmd.Parameters.Add(new() { Value = EventNotifications.Channel });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task ClearFailuresAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string projection, string? tenantId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "delete from projection_failures where projection = $1 and ($2::text is null or tenant_id = $2)", conn, tx);
        cmd.Parameters.Add(new() { Value = projection });
        cmd.Parameters.Add(new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<long> CountAsync(IProjection projection, string? tenantId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "select count(*) from events where ($1::text[] is null or type = any($1)) and ($2::text is null or tenant_id = $2)");
        cmd.Parameters.Add(new() { Value = (object?)projection.EventTypes?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}

using Microsoft.Extensions.Logging;
using Npgsql;

namespace GrowHalo.EventStore.Projections;

public sealed record RebuildProgress(string Projection, long Processed, long Total);

/// <summary>
/// Replays a projection from the first event while the server may keep running. It takes the projection's rebuild
/// lock (the live owner steps aside between two batches), then ownership itself, and hands back when done.
/// A whole rebuild clears the rows and replays in committed batches, so a crash half-way resumes where it stopped.
/// A tenant rebuild clears and replays that tenant's rows in one transaction, up to where the projection stands.
/// </summary>
public sealed class ProjectionRebuilder(NpgsqlDataSource dataSource, IEnumerable<IProjection> projections, ILogger<ProjectionRebuilder> logger)
{
    public IReadOnlyList<string> Names => projections.Select(p => p.Name).ToList();

    public async Task RebuildAsync(string? projectionName, string? tenantId, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        var selected = projections.Where(p => projectionName is null || p.Name == projectionName).ToList();
        if (selected.Count == 0)
            throw new ArgumentException($"There is no projection named '{projectionName}'. Known projections: {string.Join(", ", Names)}.");
        foreach (var projection in selected) await RebuildOneAsync(projection, tenantId, progress, ct);
    }

    private async Task RebuildOneAsync(IProjection projection, string? tenantId, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        await using var request = await ProjectionLock.RequestRebuildAsync(dataSource, projection.Name, ct);
        await WakeOwnersAsync(ct);
        await using var ownership = await ProjectionLock.OwnAsync(dataSource, projection.Name, ct);
        var total = await CountAsync(projection, tenantId, ct);
        logger.LogInformation("Rebuilding projection {Projection} for {Scope}: {Total} events",
            projection.Name, tenantId is null ? "all tenants" : $"tenant {tenantId}", total);
        progress?.Report(new RebuildProgress(projection.Name, 0, total));
        var runner = new ProjectionRunner(dataSource, projection, ProjectionDaemonOptions.DefaultBatchSize, logger);
        if (tenantId is null) await RebuildAllAsync(runner, total, progress, ct);
        else await RebuildTenantAsync(runner, tenantId, total, progress, ct);
    }

    private async Task RebuildAllAsync(ProjectionRunner runner, long total, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            await runner.LockProgressAsync(conn, tx, ct);
            await runner.Projection.ResetAsync(new ProjectionContext(conn, tx), null, ct);
            await runner.SaveProgressAsync(conn, tx, FeedPosition.Start, ct);
            await ClearFailuresAsync(conn, tx, runner.Projection.Name, null, ct);
            await tx.CommitAsync(ct);
        }
        long processed = 0;
        int count;
        while ((count = (await runner.RunBatchAsync(ct)).Events) > 0)
        {
            processed += count;
            progress?.Report(new RebuildProgress(runner.Projection.Name, processed, Math.Max(total, processed)));
        }
    }

    private async Task RebuildTenantAsync(ProjectionRunner runner, string tenantId, long total, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var upTo = await runner.LockProgressAsync(conn, tx, ct);
        var context = new ProjectionContext(conn, tx);
        await runner.Projection.ResetAsync(context, tenantId, ct);
        await ClearFailuresAsync(conn, tx, runner.Projection.Name, tenantId, ct);
        var after = FeedPosition.Start;
        long processed = 0;
        while (true)
        {
            var page = await EventFeed.ReadAsync(conn, tx, after, ProjectionDaemonOptions.DefaultBatchSize, runner.Projection.EventTypes, tenantId, upTo,
                runner.Projection.ReadsData, ct);
            if (page.Events.Count == 0) break;
            await ApplyPassingOverPoisonAsync(runner, context, page.Events, ct);
            after = page.Next;
            processed += page.Events.Count;
            progress?.Report(new RebuildProgress(runner.Projection.Name, processed, Math.Max(total, processed)));
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// As the daemon does, an event the projection cannot apply is recorded in projection_failures and passed over
    /// rather than failing the whole rebuild; savepoints stand in for the daemon's transactions, since a tenant rebuild is one.
    /// </summary>
    private async Task ApplyPassingOverPoisonAsync(ProjectionRunner runner, ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var tx = context.Transaction;
        await tx.SaveAsync("page", ct);
        try
        {
            await runner.Projection.ApplyAsync(events, context, ct);
            await tx.ReleaseAsync("page", ct);
            return;
        }
        catch (Exception e) when (ProjectionRunner.IsPoison(e)) { await tx.RollbackAsync("page", ct); }
        foreach (var e in events)
        {
            await tx.SaveAsync("event", ct);
            try
            {
                await runner.Projection.ApplyAsync([e], context, ct);
                await tx.ReleaseAsync("event", ct);
            }
            catch (Exception error) when (ProjectionRunner.IsPoison(error))
            {
                await tx.RollbackAsync("event", ct);
                logger.LogError(error, "Projection {Projection} failed on event {Sequence} ({Type}, tenant {Tenant}) during a rebuild; recorded and skipped",
                    runner.Projection.Name, e.Sequence, e.Type, e.TenantId);
                await runner.InsertFailureAsync(context.Connection, tx, e, error, ct);
            }
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

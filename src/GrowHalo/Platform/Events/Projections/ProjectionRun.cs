using JasperFx.Events;
using Npgsql;

namespace GrowHalo.Platform.Events.Projections;

/// <summary>
/// How a page is applied, by the daemon and by a tenant's rebuild alike: under the projection's lock (a tenant's
/// rebuild takes it too, so the two never write the same rows at once), all at once, and when the database refuses
/// the page, one event at a time, each under its own savepoint: an event it refuses is recorded in
/// projection_failures and passed over, and every other event of the page still counts. Then
/// <c>growhalo_projected</c> is notified with the tenants the page touched; PostgreSQL delivers it at commit.
/// </summary>
public static class ProjectionRun
{
    public const string Channel = "growhalo_projected";

    public static async Task ApplyAsync(ISqlProjection projection, ProjectionFailures failures, IReadOnlyList<IEvent> events,
        ProjectionContext context, CancellationToken ct, bool takeLock = true)
    {
        if (events.Count == 0) return;
        if (takeLock)
        {
            // The daemon's page: what a rebuild has replayed itself is passed over.
            var replayed = await LockAsync(context, projection.Name, ct);
            if (replayed > 0 && events.Any(e => e.Sequence <= replayed))
            {
                events = events.Where(e => e.Sequence > replayed).ToList();
                if (events.Count == 0) return;
            }
        }
        var tx = context.Transaction;
        await tx.SaveAsync("page", ct);
        try
        {
            await projection.ApplyAsync(events, context, ct);
            await tx.ReleaseAsync("page", ct);
        }
        catch (Exception e) when (e is not OperationCanceledException && context.Connection.FullState == System.Data.ConnectionState.Open)
        {
            await tx.RollbackAsync("page", ct);
            foreach (var one in events) await ApplyOneAsync(projection, failures, one, context, ct);
        }
        await NotifyAsync(context, projection.Name, events, ct);
    }

    private static async Task ApplyOneAsync(ISqlProjection projection, ProjectionFailures failures, IEvent e, ProjectionContext context, CancellationToken ct)
    {
        var tx = context.Transaction;
        await tx.SaveAsync("event", ct);
        try
        {
            await projection.ApplyAsync([e], context, ct);
            await tx.ReleaseAsync("event", ct);
        }
        catch (Exception error) when (error is not OperationCanceledException && context.Connection.FullState == System.Data.ConnectionState.Open)
        {
            await tx.RollbackAsync("event", ct);
            await failures.RecordAsync(context, projection.Name, e, error, ct);
        }
    }

    /// <summary>
    /// Takes the projection's lock, held until commit by whoever writes the projection's rows (the daemon's page, or a
    /// tenant's rebuild), and then reads through which sequence a whole rebuild has replayed it. One round trip: the
    /// read is the batch's second statement, so its snapshot is taken once the lock is granted, and sees what a rebuild
    /// holding the lock recorded.
    /// </summary>
    public static async Task<long> LockAsync(ProjectionContext context, string projection, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(context.Connection, context.Transaction)
        {
            BatchCommands =
            {
                new("select pg_advisory_xact_lock(hashtextextended('growhalo:projection:' || $1, 0))") { Parameters = { new() { Value = projection } } },
                new(ReplayedThrough) { Parameters = { new() { Value = projection } } },
            },
            // No timeout: a rebuild may hold the lock for minutes, and the page must wait for it rather than fail.
            Timeout = 0,
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        return await reader.ReadAsync(ct) ? reader.GetInt64(0) : 0;
    }

    private const string ReplayedThrough = "select replayed_through from projection_replays where projection = $1";

    /// <summary>Through which sequence a whole rebuild has replayed the projection itself (0: none has).</summary>
    public static async Task<long> ReplayedThroughAsync(ProjectionContext context, string projection, CancellationToken ct)
    {
        await using var cmd = context.Command(ReplayedThrough);
        cmd.Parameters.Add(new() { Value = projection });
        return await cmd.ExecuteScalarAsync(ct) is long at ? at : 0;
    }

    /// <summary>A notification's payload is at most 8,000 bytes: past that, "*" (every tenant may have changed).</summary>
    private static async Task NotifyAsync(ProjectionContext context, string projection, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        var tenants = string.Join(',', events.Select(e => e.TenantId).Distinct(StringComparer.Ordinal));
        await using var cmd = context.Command("select pg_notify($1, $2)");
        cmd.Parameters.Add(new() { Value = Channel });
        cmd.Parameters.Add(new() { Value = $"{projection}:{(tenants.Length > 7000 ? "*" : tenants)}" });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

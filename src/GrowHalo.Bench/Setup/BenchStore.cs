using GrowHalo.Ingestion.Activity;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Events;
using GrowHalo.Platform.Events.Projections;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace GrowHalo.Bench.Setup;

/// <summary>
/// Marten's event store over a bench database, configured exactly as the server configures it
/// (<see cref="MartenSetup.Configure"/>): the bench uses it to create the schema, to build backlogs (appends through
/// <see cref="EventAppender"/>, or Marten's bulk import) and, for the daemon and commerce scenarios, to run Marten's
/// async daemon in-process with one projection.
/// </summary>
public static class BenchStore
{
    /// <summary>The projections a GrowHalo server registers.</summary>
    public static IReadOnlyList<ISqlProjection> ServerProjections() => [new CommerceProjection(), new IngestActivityProjection()];

    /// <param name="projections">The projections it knows (the server's when null): their shards are what
    /// <see cref="DaemonLock"/> locks, and what a daemon of this store runs.</param>
    /// <param name="inProcessDaemon">
    /// True when the caller runs Marten's daemon in this process (<c>BuildProjectionDaemonAsync</c>, the only node:
    /// Solo). False: the projections run in a GrowHalo server, so the store is told they are run elsewhere (and does
    /// not warn on the console that its own daemon is off).
    /// </param>
    public static DocumentStore Create(NpgsqlDataSource db, IEnumerable<ISqlProjection>? projections = null, bool inProcessDaemon = false) =>
        MartenSetup.CreateStore(db, projections ?? ServerProjections(), inProcessDaemon ? DaemonMode.Solo : DaemonMode.ExternallyManaged);

    /// <summary>
    /// Runs Marten's daemon in this process over <paramref name="db"/>'s backlog with <paramref name="projection"/> alone,
    /// until it has applied the last event: the time that took.
    /// </summary>
    public static async Task<TimeSpan> CatchUpAsync(NpgsqlDataSource db, ISqlProjection projection, CancellationToken ct)
    {
        using var store = Create(db, [projection], inProcessDaemon: true);
        using var daemon = await store.BuildProjectionDaemonAsync(MartenSetup.MainDatabase);
        var last = await LastSequenceAsync(db, ct);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await daemon.StartAllAsync();
        // Cheap check (one row of a small table), so that watching does not slow the daemon down.
        while (await SlowestProgressAsync(db, [projection.Name], ct) < last) await Task.Delay(20, ct);
        var elapsed = clock.Elapsed;
        await daemon.StopAllAsync();
        return elapsed;
    }

    /// <summary>Where each of the named projections stands in Marten's progress table (shard <c>{name}:All</c>); 0 when it has not started.</summary>
    public static async Task<long> SlowestProgressAsync(NpgsqlDataSource db, IReadOnlyCollection<string> projections, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select coalesce(min(coalesce(p.last_seq_id, 0)), 0)
            from unnest($1::text[]) as n(name) left join mt_event_progression p on p.name = n.name || ':All'
            """);
        cmd.Parameters.Add(new() { Value = projections.ToArray() });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The sequence of the last event in the log (0 when there is none).</summary>
    public static async Task<long> LastSequenceAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select coalesce(max(seq_id), 0) from mt_events");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}

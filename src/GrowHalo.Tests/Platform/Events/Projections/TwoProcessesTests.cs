using System.Diagnostics;
using GrowHalo.Platform.Events;
using GrowHalo.Platform.Events.Projections;
using GrowHalo.Tests.Cli;
using GrowHalo.Tests.Modeling;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GrowHalo.Tests.Platform.Events.Projections;

/// <summary>
/// Two real server processes on one database, each running Marten's daemon hot/cold: the projections run in one of
/// them (the holder of the leadership lock); killed with SIGKILL, its projections are taken over by the survivor at
/// its next leadership poll (Projections:LeadershipPollingTime), with nothing lost or counted twice.
/// </summary>
public sealed class TwoProcessesTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> FastTakeover = new() { ["Projections__LeadershipPollingTime"] = "00:00:01" };

    [Fact]
    public async Task each_projection_runs_in_one_of_two_servers_and_the_survivor_takes_over_within_seconds_when_its_owner_is_killed()
    {
        var cs = await ScratchDatabase.MigratedAsync();
        await using var services = AppServices.For(cs);
        var db = services.GetRequiredService<NpgsqlDataSource>();
        var status = services.GetRequiredService<ProjectionStatusQuery>();
        var appender = services.GetRequiredService<EventAppender>();
        // Over the pool of databases Marten's hot/cold election is one leadership lock in the master: its holder runs every projection.
        var locks = services.GetRequiredService<ProjectionRebuilder>().Names.ToDictionary(n => n, _ => MartenSetup.DaemonLockId);
        Assert.Contains("ingest_activity", locks.Keys);

        await using var a = GrowHaloProcess.Start(cs, FastTakeover, "serve", "--urls=http://127.0.0.1:0");
        await using var b = GrowHaloProcess.Start(cs, FastTakeover, "serve", "--urls=http://127.0.0.1:0");
        string Logs() => $"A ({a.ApplicationName}):\n{a.Log}\nB ({b.ApplicationName}):\n{b.Log}";

        // Both servers are up (each holds connections under its own name) and every projection's lock is held by one.
        var holders = await WaitForAsync(async () =>
        {
            var connected = await ConnectedApplicationsAsync(db);
            var held = await HoldersAsync(db, locks);
            return connected.Contains(a.ApplicationName) && connected.Contains(b.ApplicationName) && held.Values.All(h => h is not null) ? held : null;
        }, TimeSpan.FromSeconds(60), Logs);
        Assert.All(holders.Values, h => Assert.Contains(h, new[] { a.ApplicationName, b.ApplicationName }));
        output.WriteLine($"A is {a.ApplicationName}, B is {b.ApplicationName}; " + string.Join(", ", holders.Select(h => $"{h.Key} runs in {h.Value}")));

        // Events appended while both run are projected once.
        var appended = 0;
        appended += await AppendOrdersAsync(appender, "t-both", 0, 20);
        await status.WaitForNonStaleAsync(TimeSpan.FromSeconds(30));
        await AssertCountedOnceAsync(db);
        // Not asserted here (which server gets which projection is chance): OwnershipTests shows the status query
        // reports one owner for every projection, whichever runs it.
        output.WriteLine("status reports: " + string.Join(", ", (await status.GetAsync()).Select(s => $"{s.Name} owned by {s.Owner}")));

        // Kill (SIGKILL) the server running ingest_activity while appends go on; the other takes every projection.
        var victim = holders["ingest_activity"] == a.ApplicationName ? a : b;
        var survivor = victim == a ? b : a;
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var n = 0;
            for (var i = 0; !stop.IsCancellationRequested; i++, await Task.Delay(20, CancellationToken.None))
                n += await AppendOrdersAsync(appender, "t-kill", 1000 + i * 2, 2);
            return n;
        });
        await Task.Delay(300); // set-up: the writer is under way when the owner dies
        var killed = Stopwatch.StartNew();
        victim.Kill();
        Assert.True(victim.HasExited);
        await WaitForAsync(async () => (await HoldersAsync(db, locks)).Values.All(h => h == survivor.ApplicationName) ? "" : null,
            TimeSpan.FromSeconds(20), () => survivor.Log);
        var takeover = killed.Elapsed;
        output.WriteLine($"killed {victim.ApplicationName}; {survivor.ApplicationName} held every projection {takeover.TotalSeconds:0.0} s later");
        await stop.CancelAsync();
        appended += await writer;
        appended += await AppendOrdersAsync(appender, "t-after", 5000, 5);

        await status.WaitForNonStaleAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"{appended} events appended, {killed.Elapsed.TotalSeconds:0.0} s after the kill all projected");
        await AssertCountedOnceAsync(db);
        Assert.Equal(appended, await ScalarAsync(db, "select count(*) from mt_events where type <> 'tombstone'"));
        Assert.Equal(appended, await ScalarAsync(db, "select count(*) from orders"));
        Assert.Equal(0, await ScalarAsync(db, "select count(*) from projection_failures"));
        Assert.True(takeover < TimeSpan.FromSeconds(10), $"the survivor took over {takeover.TotalSeconds:0.0} s after the kill");

        // With one server left, status names it as every projection's owner.
        Assert.All(await status.GetAsync(), s => Assert.StartsWith(survivor.ApplicationName, s.Owner));
        Assert.False(survivor.HasExited, survivor.Log);
    }

    /// <summary>New orders, each on a stream of its own; returns how many were appended.</summary>
    private static async Task<int> AppendOrdersAsync(EventAppender appender, string tenant, long firstId, int count)
    {
        var result = await appender.AppendAsync(tenant, [.. Enumerable.Range(0, count).Select(i =>
            SourceRecords.Order(tenant, new OrderSpec(firstId + i, new DateTimeOffset(2026, 1, 2, 12, 0, 0, TimeSpan.Zero), 10m + i)))]);
        return result.Appended;
    }

    /// <summary>ingest_activity adds each event it is given: per tenant it must count what mt_events holds, no more, no less.</summary>
    private static async Task AssertCountedOnceAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("""
            select coalesce(e.tenant_id, a.tenant_id), coalesce(e.n, 0), coalesce(a.n, 0)
            from (select tenant_id, count(*) n from mt_events where type <> 'tombstone' group by 1) e
            full join (select tenant_id, sum(events)::bigint n from ingest_activity group by 1) a on a.tenant_id = e.tenant_id
            where e.n is distinct from a.n
            """);
        var wrong = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) wrong.Add($"{reader.GetString(0)}: {reader.GetInt64(1)} stored, {reader.GetInt64(2)} counted");
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan limit, Func<string> diagnostics) where T : class
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(100);
        }
        throw new TimeoutException($"Not reached within {limit}.\n{diagnostics()}");
    }

    private static async Task<HashSet<string>> ConnectedApplicationsAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("select distinct application_name from pg_stat_activity where datname = current_database()");
        var names = new HashSet<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>Per projection, the application name of the session holding Marten's hot/cold lock for it (null: none).</summary>
    private static async Task<Dictionary<string, string?>> HoldersAsync(NpgsqlDataSource db, Dictionary<string, int> locks)
    {
        await using var cmd = db.CreateCommand("""
            select (l.classid::bigint << 32) | l.objid::bigint, a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted and l.objsubid = 1
              and l.database = (select oid from pg_database where datname = current_database())
            """);
        var held = new Dictionary<long, string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) held[reader.GetInt64(0)] = reader.GetString(1);
        return locks.ToDictionary(l => l.Key, l => held.GetValueOrDefault(l.Value));
    }
}

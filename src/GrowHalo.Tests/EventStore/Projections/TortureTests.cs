using System.Diagnostics;
using GrowHalo.EventStore;
using GrowHalo.EventStore.Projections;

namespace GrowHalo.Tests.EventStore.Projections;

/// <summary>
/// Many writers, rollbacks and late commits against a live daemon: the projection must count every committed event
/// exactly once, however the appends interleave, and agree with a rebuild from scratch.
/// </summary>
public sealed class TortureTests
{
    private const int Writers = 8;
    private static readonly TimeSpan WriteFor = TimeSpan.FromSeconds(10);
    private static readonly string[] Tenants = ["t-acme", "t-bolt", "t-cove"];

    private sealed class Tally
    {
        public int Committed, RolledBack, LateCommits;
    }

    [Fact]
    public async Task eight_writers_with_rollbacks_and_late_commits_are_projected_exactly_once_and_match_a_rebuild()
    {
        // The same tally twice: from the events the feed reads, and from the ranges of the log it hands out (in SQL).
        await using var run = await RunningDaemon.StartAsync(
            async db => [await StreamTally.CreateAsync(db, "torture"), await StreamTally.CreateAsync(db, "torture_ranges", inSql: true)],
            new ProjectionDaemonOptions { BatchSize = 100, PollInterval = TimeSpan.FromMilliseconds(500) });
        var (projection, ranges) = ((StreamTally)run.Projections[0], (StreamTally)run.Projections[1]);

        var tally = new Tally();
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(seed => Task.Run(() => WriteAsync(run, seed, until, tally))));
        await run.WaitForNonStaleAsync();

        var expected = await projection.ExpectedAsync(run.DataSource);
        Assert.Equal(tally.Committed, expected.Sum(r => r.Events));
        Assert.True(tally.RolledBack > 0 && tally.LateCommits > 0, $"rolled back {tally.RolledBack}, late {tally.LateCommits}");
        Assert.Equal(expected, await projection.RowsAsync(run.DataSource));
        Assert.Equal(expected, await ranges.RowsAsync(run.DataSource));

        // Rolled-back appends leave no trace on a stream: versions stay 1..n and the stream row agrees.
        Assert.Equal(0, await run.Database.ScalarAsync("""
            select count(*) from (select tenant_id, stream_id, count(*) n, max(version) top from events group by 1, 2) e
            join streams s on s.tenant_id = e.tenant_id and s.id = e.stream_id
            where e.n <> e.top or s.version <> e.top
            """));

        await run.Rebuilder.RebuildAsync(projection.Name, null, null, CancellationToken.None);
        Assert.Equal(expected, await projection.RowsAsync(run.DataSource));
        await run.Rebuilder.RebuildAsync(ranges.Name, Tenants[1], null, CancellationToken.None);
        Assert.Equal(expected, await ranges.RowsAsync(run.DataSource));
        await run.Rebuilder.RebuildAsync(ranges.Name, null, null, CancellationToken.None);
        Assert.Equal(expected, await ranges.RowsAsync(run.DataSource));
    }

    /// <summary>
    /// Appends 1–4 events to random streams of a random tenant inside an open transaction; then, by chance, holds it
    /// open 0–300 ms (so appends that drew later sequence numbers commit first) and rolls back one in five.
    /// </summary>
    private static async Task WriteAsync(RunningDaemon run, int seed, Stopwatch clock, Tally tally)
    {
        var random = new Random(seed);
        while (clock.Elapsed < WriteFor)
        {
            var tenant = Tenants[random.Next(Tenants.Length)];
            var events = Enumerable.Range(0, random.Next(1, 5))
                .Select(_ => NewEvent.Create(tenant, $"shopify:order:{random.Next(30)}", Guid.NewGuid().ToString(), "order_seen",
                    new { total = random.Next(1, 500) }))
                .ToList();
            await using var conn = await run.DataSource.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            var result = await GrowHalo.EventStore.EventStore.AppendAsync(tx, tenant, events);
            var late = random.Next(2) == 0;
            if (late) await Task.Delay(random.Next(0, 301));
            if (random.Next(5) == 0)
            {
                await tx.RollbackAsync();
                Interlocked.Increment(ref tally.RolledBack);
                continue;
            }
            await tx.CommitAsync();
            Interlocked.Add(ref tally.Committed, result.Appended);
            if (late) Interlocked.Increment(ref tally.LateCommits);
        }
    }
}

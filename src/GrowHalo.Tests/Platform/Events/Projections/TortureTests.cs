using System.Diagnostics;
using GrowHalo.Platform.Events;

namespace GrowHalo.Tests.Platform.Events.Projections;

/// <summary>
/// Many writers, rollbacks and late commits against Marten's daemon: every projection must count every committed
/// event exactly once, however the appends interleave (sequence numbers drawn by a transaction that commits seconds
/// later, or never, leave gaps the daemon must wait out or pass over), and agree with a rebuild from scratch.
/// </summary>
public sealed class TortureTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Writers = 8;
    private static readonly TimeSpan WriteFor = TimeSpan.FromSeconds(10);
    private static readonly string[] Tenants = ["t-acme", "t-bolt", "t-cove"];

    private sealed class Tally
    {
        public int Committed, Transactions, RolledBack, LateCommits, VeryLateCommits;
        public readonly System.Collections.Concurrent.ConcurrentQueue<string> AppendFailures = new();
    }

    [Fact]
    public async Task eight_writers_with_rollbacks_and_commits_seconds_late_are_projected_exactly_once_and_match_a_rebuild()
    {
        // The same tally twice: in small pages (many daemon transactions, pages cut anywhere) and in the server's.
        await using var run = await RunningDaemon.StartAsync(async db =>
            [await StreamTally.CreateAsync(db, "torture", batchSize: 25), await StreamTally.CreateAsync(db, "torture_whole")]);
        var (small, whole) = ((StreamTally)run.Projections[0], (StreamTally)run.Projections[1]);

        var tally = new Tally();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(seed => Task.Run(() => WriteAsync(run, seed, clock, tally))));
        await run.WaitForNonStaleAsync(seconds: 60);

        var expected = await StreamTally.ExpectedAsync(run.DataSource);
        var summary = $"{tally.Transactions} transactions ({tally.AppendFailures.Count} appends failed): {tally.Committed} events committed, {tally.RolledBack} rolled back, " +
                      $"{tally.LateCommits} late, {tally.VeryLateCommits} seconds late";
        output.WriteLine(summary + $"; {await run.Database.ScalarAsync("select count(*) from mt_events where type = 'tombstone'")} tombstones");
        Assert.True(tally.RolledBack > 0 && tally.LateCommits > 0 && tally.VeryLateCommits > 0, summary);
        Assert.Equal(tally.Committed, expected.Sum(r => r.Events));
        AssertSameRows(expected, await small.RowsAsync(run.DataSource), "small pages: " + summary + "\n" + run.Log);
        AssertSameRows(expected, await whole.RowsAsync(run.DataSource), "whole pages: " + summary + "\n" + run.Log);
        Assert.Equal(0, await run.Database.ScalarAsync("select count(*) from projection_failures"));

        // Rolled-back appends leave no trace on a stream: versions stay 1..n and the stream row agrees.
        Assert.Equal(0, await run.Database.ScalarAsync("""
            select count(*) from (select tenant_id, stream_id, count(*) n, max(version) top from mt_events
                                  where type <> 'tombstone' group by 1, 2) e
            join mt_streams s on s.tenant_id = e.tenant_id and s.id = e.stream_id
            where e.n <> e.top or s.version <> e.top
            """));

        // A rebuild from scratch comes to the same rows, whole or one tenant at a time.
        await run.Rebuilder.RebuildAsync(small.Name, null, null, CancellationToken.None);
        AssertSameRows(expected, await small.RowsAsync(run.DataSource), "after a full rebuild");
        await run.Rebuilder.RebuildAsync(whole.Name, Tenants[1], null, CancellationToken.None);
        AssertSameRows(expected, await whole.RowsAsync(run.DataSource), "after a tenant rebuild");
        await run.Rebuilder.RebuildAsync(whole.Name, null, null, CancellationToken.None);
        AssertSameRows(expected, await whole.RowsAsync(run.DataSource), "after a full rebuild");

        // No append may fail: none gives an expected version, so concurrent appends to a stream must wait for each
        // other (or be retried), never be refused.
        Assert.True(tally.AppendFailures.IsEmpty, $"{tally.AppendFailures.Count} of {tally.Transactions + tally.AppendFailures.Count} appends failed, e.g. " +
            string.Join("\n", tally.AppendFailures.Distinct().Take(3)));
    }

    [Fact]
    public async Task appends_to_one_stream_piled_up_behind_a_late_commit_all_succeed_without_an_expected_version()
    {
        // What the writers above run into now and then, made (nearly) certain: ten appends to one stream wait behind
        // an append that commits late. None gives an expected version, so each must end up appended after the others.
        await using var run = await RunningDaemon.StartAsync(async db => [await StreamTally.CreateAsync(db, "pile")]);
        const string tenant = "t-acme", stream = "shopify:order:1";
        await run.AppendAsync(tenant, RunningDaemon.Amount(tenant, stream, 1));

        await using var conn = await run.DataSource.OpenConnectionAsync();
        await using var late = await conn.BeginTransactionAsync();
        await run.Appender.AppendAsync(late, tenant, [RunningDaemon.Amount(tenant, stream, 2)]);
        var piled = Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            try
            {
                await run.Appender.AppendAsync(tenant, [RunningDaemon.Amount(tenant, stream, 10 + i)]);
                return null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return $"{e.GetType().Name}: {e.Message}";
            }
        })).ToList();
        await Task.Delay(1000); // set-up: they all pile up behind the open append
        await late.CommitAsync();
        var failures = (await Task.WhenAll(piled)).OfType<string>().ToList();

        Assert.True(failures.Count == 0, $"{failures.Count} of 10 appends failed: {string.Join("\n", failures.Distinct())}");
        Assert.Equal(12, await run.Database.ScalarAsync("select count(*) from mt_events where stream_id = $1 and type <> 'tombstone'", stream));
        await run.WaitForNonStaleAsync();
        Assert.Equal(await StreamTally.ExpectedAsync(run.DataSource), await ((StreamTally)run.Projections[0]).RowsAsync(run.DataSource));
    }

    /// <summary>Equal rows, or a message naming the streams that differ (not two lists of hundreds of rows).</summary>
    private static void AssertSameRows(List<TallyRow> expected, List<TallyRow> actual, string context)
    {
        if (expected.SequenceEqual(actual)) return;
        var missing = expected.Except(actual).Take(10);
        var extra = actual.Except(expected).Take(10);
        Assert.Fail($"""
            The projection's rows differ from the committed events ({expected.Sum(r => r.Events)} events expected, {actual.Sum(r => r.Events)} counted).
            Expected but not found: {string.Join("; ", missing)}
            Found but not expected: {string.Join("; ", extra)}
            {context}
            """);
    }

    /// <summary>
    /// Appends 1–4 events to random streams of a random tenant inside an open transaction; then, by chance, holds it
    /// open 0–300 ms, or now and then 2–4 s (so appends that drew later sequence numbers commit long before it), and
    /// rolls back one in five.
    /// </summary>
    private static async Task WriteAsync(RunningDaemon run, int seed, Stopwatch clock, Tally tally)
    {
        var random = new Random(seed);
        while (clock.Elapsed < WriteFor)
        {
            var tenant = Tenants[random.Next(Tenants.Length)];
            var events = Enumerable.Range(0, random.Next(1, 5))
                .Select(_ => RunningDaemon.Amount(tenant, $"shopify:order:{random.Next(100)}", random.Next(1, 500)))
                .ToList();
            await using var conn = await run.DataSource.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            AppendResult result;
            try
            {
                result = await run.Appender.AppendAsync(tx, tenant, events);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Nothing of it is committed (its transaction is rolled back); reported at the end, once the
                // projections have been checked.
                tally.AppendFailures.Enqueue($"{e.GetType().Name}: {e.Message}");
                await tx.RollbackAsync();
                continue;
            }
            var hold = random.Next(100) switch
            {
                < 4 => TimeSpan.FromMilliseconds(random.Next(2000, 4001)),
                < 50 => TimeSpan.FromMilliseconds(random.Next(0, 301)),
                _ => TimeSpan.Zero,
            };
            if (hold > TimeSpan.Zero) await Task.Delay(hold);
            Interlocked.Increment(ref tally.Transactions);
            if (random.Next(5) == 0)
            {
                await tx.RollbackAsync();
                Interlocked.Increment(ref tally.RolledBack);
                continue;
            }
            await tx.CommitAsync();
            Interlocked.Add(ref tally.Committed, result.Appended);
            if (hold > TimeSpan.Zero) Interlocked.Increment(ref tally.LateCommits);
            if (hold >= TimeSpan.FromSeconds(2)) Interlocked.Increment(ref tally.VeryLateCommits);
        }
    }
}

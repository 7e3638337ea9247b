using GrowHalo.EventStore;
using GrowHalo.EventStore.Projections;
using Npgsql;

namespace GrowHalo.Tests.EventStore.Projections;

/// <summary>
/// A projection that follows another (reads the rows it writes) is never given events its leader has not committed,
/// catches up with it, and is rebuilt together with it.
/// </summary>
public sealed class FollowerTests
{
    /// <summary>A tally that takes its time over each batch, so a follower left to itself would overtake it.</summary>
    private sealed class SlowTally(StreamTally tally) : IProjection
    {
        public string Name => tally.Name;
        public IReadOnlyCollection<string>? EventTypes => tally.EventTypes;

        public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct)
        {
            await Task.Delay(40, ct);
            await tally.ApplyAsync(events, context, ct);
        }

        public Task ResetAsync(ProjectionContext context, string? tenantId, CancellationToken ct) => tally.ResetAsync(context, tenantId, ct);
    }

    /// <summary>
    /// Copies the leader's table after each batch, and notes where the batch reached and where the leader stood then.
    /// Its copy is the leader's rows only if it never ran ahead of what the leader had written.
    /// </summary>
    private sealed class Mirror(string leader, TimeSpan? delay = null) : IProjection
    {
        public string Name => "mirror";
        public string? Follows => leader;
        public IReadOnlyCollection<string>? EventTypes => null;
        public EventDetail Reads => EventDetail.Headers;

        public static async Task CreateTablesAsync(NpgsqlDataSource db)
        {
            await using var cmd = db.CreateCommand("""
                create table mirror (like tally_lead);
                create table mirror_batches (through_tx xid8, through_seq bigint, leader_tx xid8, leader_seq bigint, events int);
                """);
            await cmd.ExecuteNonQueryAsync();
        }

        public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct)
        {
            if (delay is { } wait) await Task.Delay(wait, ct);
            await using (var copy = context.Command("delete from mirror; insert into mirror select * from tally_lead"))
                await copy.ExecuteNonQueryAsync(ct);
            await using var note = context.Command("""
                insert into mirror_batches select $1::text::xid8, $2, p.tx_id, p.seq_id, $3 from projection_progress p where p.name = $4
                """);
            note.Parameters.Add(new() { Value = context.Through.TxId.ToString() });
            note.Parameters.Add(new() { Value = context.Through.Sequence });
            note.Parameters.Add(new() { Value = events.Count });
            note.Parameters.Add(new() { Value = leader });
            await note.ExecuteNonQueryAsync(ct);
        }

        public async Task ResetAsync(ProjectionContext context, string? tenantId, CancellationToken ct)
        {
            await using var cmd = context.Command("delete from mirror");
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>A leader and its follower, caught up over <paramref name="events"/> events.</summary>
    private static async Task<RunningDaemon> StartAsync(int events, TimeSpan? pollInterval = null)
    {
        var run = await RunningDaemon.StartAsync(async db =>
        {
            var tally = await StreamTally.CreateAsync(db, "lead");
            await Mirror.CreateTablesAsync(db);
            return [new Mirror("lead"), new SlowTally(tally)]; // registered first, followed second: the order must not matter
        }, new ProjectionDaemonOptions
        {
            BatchSize = 10, PollInterval = pollInterval ?? TimeSpan.FromMilliseconds(500), TakeoverInterval = TimeSpan.FromMilliseconds(200),
        });
        await AppendAsync(run, events);
        await run.WaitForNonStaleAsync();
        return run;
    }

    private static async Task AppendAsync(RunningDaemon run, int count)
    {
        for (var i = 0; i < count; i += 20)
            await run.Store.AppendAsync("t-acme", [.. Enumerable.Range(i, 20).Select(n =>
                NewEvent.Create("t-acme", $"shopify:order:{n % 7}", Guid.NewGuid().ToString(), "order_seen", new { n }))]);
    }

    private static async Task<List<TallyRow>> MirrorRowsAsync(RunningDaemon run)
    {
        await using var cmd = run.DataSource.CreateCommand("select tenant_id, stream_id, events, version_sum, seq_sum from mirror order by 1, 2");
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<TallyRow>();
        while (await r.ReadAsync()) rows.Add(new TallyRow(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)));
        return rows;
    }

    [Fact]
    public async Task a_follower_never_passes_its_leader_and_ends_where_it_ends()
    {
        await using var run = await StartAsync(events: 200);

        await using (var cmd = run.DataSource.CreateCommand("""
            select count(*), count(*) filter (where (through_tx, through_seq) > (leader_tx, leader_seq)), coalesce(sum(events), 0)
            from mirror_batches
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            await r.ReadAsync();
            Assert.True(r.GetInt64(0) > 1, "the follower applied the events in more than one batch");
            Assert.Equal(0, r.GetInt64(1)); // no batch reached past the leader's committed progress
            Assert.Equal(200, r.GetInt64(2)); // every event once
        }
        Assert.Equal(0, (await run.StatusOfAsync("mirror")).Failures);
        var lead = await LeadAsync(run);
        Assert.Equal(lead, await MirrorRowsAsync(run));
        Assert.Equal(200, lead.Sum(r => r.Events));
        Assert.Equal(0, (await run.StatusOfAsync("mirror")).LagEvents);
    }

    private static async Task<List<TallyRow>> LeadAsync(RunningDaemon run)
    {
        var tally = new StreamTally("lead");
        var rows = await tally.RowsAsync(run.DataSource);
        Assert.Equal(await tally.ExpectedAsync(run.DataSource), rows);
        return rows;
    }

    [Fact]
    public async Task a_follower_reads_on_as_soon_as_its_leader_commits_not_at_the_next_poll()
    {
        // The append wakes both; the follower finds nothing its slow leader has committed yet and sleeps. With a
        // 60-second poll, only the leader's commit waking it gets it to the end within the wait below.
        await using var run = await StartAsync(events: 20, pollInterval: TimeSpan.FromSeconds(60));
        await AppendAsync(run, 20);
        await run.WaitForNonStaleAsync(seconds: 10);
        Assert.Equal(await LeadAsync(run), await MirrorRowsAsync(run));
    }

    [Fact]
    public async Task rebuilding_a_follower_rebuilds_its_leader_first()
    {
        await using var run = await StartAsync(events: 60);

        var reported = new List<string>();
        await run.Rebuilder.RebuildAsync("mirror", null, new InlineProgress(p => { if (p.Processed == 0) reported.Add(p.Projection); }), CancellationToken.None);
        Assert.Equal(["lead", "mirror"], reported);
        var lead = await LeadAsync(run);
        Assert.Equal(lead, await MirrorRowsAsync(run));

        reported.Clear();
        await run.Rebuilder.RebuildAsync("lead", "t-acme", new InlineProgress(p => { if (p.Processed == 0) reported.Add(p.Projection); }), CancellationToken.None);
        Assert.Equal(["lead", "mirror"], reported);
        Assert.Equal(lead, await LeadAsync(run));
        Assert.Equal(lead, await MirrorRowsAsync(run));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    public async Task a_leader_waits_for_a_follower_that_falls_more_than_the_allowed_batches_behind(int maxLagBatches)
    {
        // A quick leader and a slow follower: left alone, the leader runs through everything while the follower has
        // applied a few batches.
        await using var run = await RunningDaemon.StartAsync(async db =>
        {
            var tally = await StreamTally.CreateAsync(db, "lead");
            await Mirror.CreateTablesAsync(db);
            return [tally, new Mirror("lead", delay: TimeSpan.FromMilliseconds(40))];
        }, new ProjectionDaemonOptions
        {
            BatchSize = 10, MaxFollowerLagBatches = maxLagBatches,
            PollInterval = TimeSpan.FromMilliseconds(500), TakeoverInterval = TimeSpan.FromMilliseconds(200),
        });
        await AppendAsync(run, 300);
        await run.WaitForNonStaleAsync();

        // How many events the leader had committed past each follower batch, as that batch ran.
        await using var cmd = run.DataSource.CreateCommand("""
            select max((select count(*) from events e
                        where (e.tx_id, e.seq_id) > (b.through_tx, b.through_seq) and (e.tx_id, e.seq_id) <= (b.leader_tx, b.leader_seq))),
                   sum(b.events)
            from mirror_batches b
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        var (lead, applied) = (r.GetInt64(0), r.GetInt64(1));
        Assert.Equal(300, applied);
        if (maxLagBatches > 0)
            Assert.True(lead <= (maxLagBatches + 1) * 10, $"the leader was {lead} events ahead; it may run {maxLagBatches} batches of 10 ahead, plus the batch it is applying");
        else
            Assert.True(lead > 60, $"unpaced, the quick leader should pull far ahead of its slow follower, but led by only {lead} events");
        Assert.Equal(await LeadAsync(run), await MirrorRowsAsync(run));
    }
}

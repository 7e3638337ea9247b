using System.Diagnostics;
using Xunit.Abstractions;

namespace GrowHalo.Tests.Platform.Reliability;

/// <summary>
/// Three real server processes on one database, webhooks from 64 senders spread over them, and nodes killed with
/// SIGKILL mid-burst: the holder of the projections (twice in a row, down to one node), then, after the dead come
/// back, a node running no projection and the holder again. Marten's hot/cold daemon moves each projection to a
/// survivor at its next leadership poll; nothing acknowledged is lost or stored twice, and the read models after
/// catch-up are exactly what a rebuild makes.
/// </summary>
public sealed class SeveralNodesTests(ITestOutputHelper output)
{
    /// <summary>
    /// Projections must run again on a survivor within this time of their node's death (issue 22): its daemon holds
    /// their locks, so it runs them. Their first page then commits when it is processed, a matter of page size and load.
    /// </summary>
    private static readonly TimeSpan TakeoverLimit = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task killing_nodes_mid_burst_loses_no_acknowledged_webhook_and_projections_resume_on_a_survivor_within_seconds()
    {
        await using var db = await SharedDatabase.CreateAsync();
        await using var a = db.StartNode("A");
        await using var b = db.StartNode("B");
        await using var c = db.StartNode("C");
        ServerNode[] nodes = [a, b, c];
        using var http = WebhookBurst.Client();
        await Task.WhenAll(nodes.Select(n => n.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90))));
        ShopTenant[] tenants = [await db.CreateShopTenantAsync(http, a), await db.CreateShopTenantAsync(http, b)];
        await Waiting.UntilAsync(async () => (await db.HoldersAsync()).Values.All(h => h is not null), TimeSpan.FromSeconds(30), () => Logs(nodes));
        output.WriteLine($"projections: {string.Join(", ", db.Projections)}; leadership poll: the product's default (Projections:LeadershipPollingTime 2 s)");

        var sent = new List<Sent>();
        var takeovers = new List<(TimeSpan Held, TimeSpan Progressed)>();
        // Round 1: the projections' holder dies 300 acknowledgements in, then the node that took them over.
        var round1 = new WebhookBurst(nodes, tenants, 1_000_000);
        sent.AddRange(await RoundAsync(db, http, nodes, round1, [(300, Victim.Holder), (0, Victim.Holder)], takeovers));
        foreach (var dead in nodes.Where(n => !n.Alive)) dead.Restart();
        await Task.WhenAll(nodes.Select(n => n.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90))));
        // Round 2: a node running no projection dies at the very start of the burst, then the holder midway.
        var round2 = new WebhookBurst(nodes, tenants, 2_000_000);
        sent.AddRange(await RoundAsync(db, http, nodes, round2, [(30, Victim.Idle), (400, Victim.Holder)], takeovers));

        // Nothing a dead node was sent was acknowledged; everything acknowledged is stored, once.
        Assert.Equal(0, sent.Count(s => s.NodeWasDown && s.Acknowledged));
        var streams = await StreamsAsync(db, tenants);
        var acked = sent.Where(s => s.Acknowledged).ToList();
        var lost = acked.Where(s => streams.GetValueOrDefault((s.Delivery.Tenant.Id, s.Delivery.Stream)) != 1).Select(s => s.Delivery.Stream).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged orders not stored exactly once, e.g. {string.Join(", ", lost.Take(5))}");
        // The sender retries what was not acknowledged, on a node that lives: 201 stored now, 200 stored before the kill.
        var failed = sent.Where(s => !s.Acknowledged).ToList();
        var live = nodes.Where(n => n.Alive).ToList();
        var retried = new List<Sent>();
        foreach (var chunk in failed.Chunk(WebhookBurst.Senders))
            retried.AddRange(await Task.WhenAll(chunk.Select((s, i) => WebhookBurst.SendAsync(http, s.Delivery, live[i % live.Count]))));
        var refused = retried.Where(r => r.Status is not (200 or 201)).Select(r => $"{r.Delivery.WebhookId} on {r.Node.Name}: {r.Status} {r.Error}").ToList();
        Assert.True(refused.Count == 0, $"{refused.Count} retries not acknowledged, e.g. {string.Join("; ", refused.Take(3))}");
        streams = await StreamsAsync(db, tenants);
        Assert.Equal(sent.Count, streams.Count);
        var notOnce = sent.Where(s => streams.GetValueOrDefault((s.Delivery.Tenant.Id, s.Delivery.Stream)) != 1).Select(s => s.Delivery.Stream).ToList();
        Assert.True(notOnce.Count == 0, $"{notOnce.Count} orders not stored exactly once, e.g. {string.Join(", ", notOnce.Take(5))}");
        output.WriteLine($"webhooks: {sent.Count} sent, {acked.Count} acknowledged, {failed.Count} failed at the client " +
            $"({failed.Count(f => f.NodeWasDown)} to a node already dead, {failed.Count(f => !f.NodeWasDown)} in flight at a kill); " +
            $"retried on a live node: {retried.Count(r => r.Status == 201)} stored then, {retried.Count(r => r.Status == 200)} had been stored before the kill; " +
            $"stored: {streams.Count} orders, each once; lost: 0");

        // Caught up, the read models are what a rebuild from the events makes.
        var caughtUp = Stopwatch.StartNew();
        await db.WaitForProjectionsAsync();
        output.WriteLine($"projections caught up {caughtUp.Elapsed.TotalSeconds:0.0} s after the retries");
        Assert.Equal(0, await db.ScalarAsync("select count(*) from projection_failures"));
        Assert.Equal(sent.Count, await db.ScalarAsync("select count(*) from orders"));
        Assert.Equal(sent.Count, await db.ScalarAsync("select coalesce(sum(orders_count), 0) from daily_summaries"));
        Assert.Equal(await db.ScalarAsync("select count(*) from mt_events where type <> 'tombstone'"),
            await db.ScalarAsync("select coalesce(sum(events), 0) from ingest_activity"));
        var projected = await db.ReadModelsAsync();
        await db.RebuildWithCliAsync();
        SharedDatabase.AssertSameRows(await db.ReadModelsAsync(), projected, "after the kills against a rebuild");
        output.WriteLine($"read models equal a rebuild: {string.Join(", ", projected.Select(t => $"{t.Key} {t.Value.Count} rows"))}");

        output.WriteLine($"takeovers (kill → a survivor runs every projection; → each has committed a page past the dead node's): " +
            $"{string.Join(", ", takeovers.Select(t => $"{t.Held.TotalSeconds:0.00} s; {t.Progressed.TotalSeconds:0.00} s"))} (limit {TakeoverLimit.TotalSeconds} s)");
        Assert.Equal(3, takeovers.Count);
        var slow = takeovers.Where(t => t.Held > TakeoverLimit).ToList();
        Assert.True(slow.Count == 0, $"projections ran again {string.Join(", ", slow.Select(t => $"{t.Held.TotalSeconds:0.00} s"))} after the kill");
    }

    private enum Victim { Holder, Idle }

    /// <summary>
    /// Runs a burst and kills a live node at each step: once <c>AfterAcks</c> more webhooks are acknowledged, the node
    /// holding the most projections (Holder) or one holding none (Idle). A holder's death is timed until every
    /// projection is held by a survivor, and until each has committed progress past where it stood.
    /// The burst goes on 150 acknowledgements after the last.
    /// </summary>
    private async Task<IReadOnlyCollection<Sent>> RoundAsync(SharedDatabase db, HttpClient http, ServerNode[] nodes, WebhookBurst burst,
        (int AfterAcks, Victim Victim)[] kills, List<(TimeSpan Held, TimeSpan Progressed)> takeovers)
    {
        using var stop = new CancellationTokenSource();
        var running = burst.RunAsync(http, int.MaxValue, stop.Token);
        foreach (var (afterAcks, which) in kills)
        {
            await burst.WhenAcknowledgedAsync(burst.Acknowledged + afterAcks, TimeSpan.FromSeconds(60));
            var holders = await db.HoldersAsync();
            int Held(ServerNode n) => holders.Values.Count(h => h == n.ApplicationName);
            var live = nodes.Where(n => n.Alive).ToList();
            var victim = which == Victim.Holder ? live.MaxBy(Held)! : live.First(n => Held(n) == 0);
            var acked = burst.Acknowledged;
            var killed = Stopwatch.StartNew();
            victim.KillHard();
            var stood = await db.PositionsAsync(); // after the kill: where the dead node left each projection
            var survivors = nodes.Where(n => n.Alive).Select(n => n.ApplicationName).ToHashSet();
            await Waiting.UntilAsync(async () => (await db.HoldersAsync()).Values.All(h => h is not null && survivors.Contains(h)),
                TimeSpan.FromSeconds(30), () => Logs(nodes));
            var held = killed.Elapsed;
            var resumed = held;
            if (Held(victim) > 0)
            {
                await Waiting.UntilAsync(async () => (await db.PositionsAsync()).All(p => p.Value > stood[p.Key]), TimeSpan.FromSeconds(30), () => Logs(nodes));
                resumed = killed.Elapsed;
                takeovers.Add((held, resumed));
            }
            output.WriteLine($"killed {victim.Name} (running {Held(victim)} of {holders.Count} projections) after {acked} acknowledged webhooks; " +
                (Held(victim) > 0 ? $"a survivor held its locks {held.TotalSeconds:0.00} s and every projection had moved on {resumed.TotalSeconds:0.00} s after the kill"
                    : "the projections stayed where they ran"));
        }
        await burst.WhenAcknowledgedAsync(burst.Acknowledged + 150, TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await running;
        output.WriteLine($"round: {burst.Sent.Count} sent, {burst.Acknowledged} acknowledged, {burst.Sent.Count(s => !s.Acknowledged)} failed at the client");
        return burst.Sent;
    }

    private static async Task<Dictionary<(string Tenant, string Stream), long>> StreamsAsync(SharedDatabase db, IEnumerable<ShopTenant> tenants)
    {
        var all = new Dictionary<(string, string), long>();
        foreach (var t in tenants)
            foreach (var (stream, count) in await db.StreamsAsync(t.Id)) all[(t.Id, stream)] = count;
        return all;
    }

    private static string Logs(IEnumerable<ServerNode> nodes) => string.Join("\n", nodes.Select(n => $"--- {n.Name} ({n.ApplicationName}):\n{n.Log}"));
}

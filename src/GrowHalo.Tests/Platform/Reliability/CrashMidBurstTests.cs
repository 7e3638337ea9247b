using Xunit.Abstractions;

namespace GrowHalo.Tests.Platform.Reliability;

/// <summary>
/// One server, webhooks from 64 senders, and the server killed with SIGKILL mid-burst at two moments (early and
/// late), restarted on the same database each time: every acknowledged webhook is stored once after the restart, and
/// the unacknowledged ones, sent again as Shopify would, end stored once as well.
/// </summary>
public sealed class CrashMidBurstTests(ITestOutputHelper output)
{
    [Fact]
    public async Task webhooks_acknowledged_before_the_server_is_killed_are_all_stored_once_after_its_restart()
    {
        await using var db = await SharedDatabase.CreateAsync();
        await using var server = db.StartNode("S");
        using var http = WebhookBurst.Client();
        await server.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));
        ShopTenant[] tenants = [await db.CreateShopTenantAsync(http, server), await db.CreateShopTenantAsync(http, server)];

        var all = new List<Sent>();
        foreach (var (killAfter, round) in new[] { 40, 600 }.Select((k, i) => (k, i)))
        {
            var burst = new WebhookBurst([server], tenants, 3_000_000 + round * 100_000);
            using var stop = new CancellationTokenSource();
            var running = burst.RunAsync(http, int.MaxValue, stop.Token);
            await burst.WhenAcknowledgedAsync(killAfter, TimeSpan.FromSeconds(60));
            server.KillHard();
            await stop.CancelAsync();
            await running;
            server.Restart();
            await server.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));
            output.WriteLine($"restarted, serving in {server.StartedIn.TotalSeconds:0.0} s");

            var streams = await StreamsAsync(db, tenants);
            var acked = burst.Sent.Where(s => s.Acknowledged).ToList();
            var missing = acked.Count(s => streams.GetValueOrDefault((s.Delivery.Tenant.Id, s.Delivery.Stream)) != 1);
            Assert.Equal(0, missing);
            var failed = burst.Sent.Where(s => !s.Acknowledged).ToList();
            var storedUnacknowledged = failed.Count(s => streams.ContainsKey((s.Delivery.Tenant.Id, s.Delivery.Stream)));
            var retried = new List<Sent>();
            foreach (var chunk in failed.Chunk(WebhookBurst.Senders))
                retried.AddRange(await Task.WhenAll(chunk.Select(s => WebhookBurst.SendAsync(http, s.Delivery, server))));
            Assert.Equal(0, retried.Count(r => r.Status is not (200 or 201)));
            Assert.Equal(storedUnacknowledged, retried.Count(r => r.Status == 200));
            all.AddRange(burst.Sent);
            output.WriteLine($"killed after {acked.Count} acknowledged webhooks ({burst.Sent.Count} sent, {failed.Count} failed at the client, " +
                $"{storedUnacknowledged} of those stored before the kill); after the restart: acknowledged missing {missing}; " +
                $"retried {retried.Count}: {retried.Count(r => r.Status == 201)} stored then, {retried.Count(r => r.Status == 200)} duplicates");
        }

        var final = await StreamsAsync(db, tenants);
        Assert.Equal(all.Count, final.Count);
        Assert.Equal(0, all.Count(s => final.GetValueOrDefault((s.Delivery.Tenant.Id, s.Delivery.Stream)) != 1));
        await db.WaitForProjectionsAsync();
        Assert.Equal(all.Count, await db.ScalarAsync("select count(*) from orders"));
        output.WriteLine($"mid-burst kills: 2; webhooks {all.Count}, stored {final.Count}, each once; lost 0");
    }

    private static async Task<Dictionary<(string Tenant, string Stream), long>> StreamsAsync(SharedDatabase db, IEnumerable<ShopTenant> tenants)
    {
        var all = new Dictionary<(string, string), long>();
        foreach (var t in tenants)
            foreach (var (stream, count) in await db.StreamsAsync(t.Id)) all[(t.Id, stream)] = count;
        return all;
    }
}

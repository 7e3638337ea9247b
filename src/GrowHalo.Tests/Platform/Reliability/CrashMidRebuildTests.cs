using System.Diagnostics;
using GrowHalo.Tests.Cli;
using Xunit.Abstractions;

namespace GrowHalo.Tests.Platform.Reliability;

/// <summary>
/// <c>growhalo projections rebuild</c> killed with SIGKILL while a server runs: as it starts (inside its first
/// transaction) and midway through replaying the orders. Each time the server's daemon goes on projecting new events
/// (not left waiting on the dead rebuild's locks), and the rebuild run again finishes and leaves exactly the rows of a
/// clean rebuild.
/// </summary>
public sealed class CrashMidRebuildTests(ITestOutputHelper output)
{
    [Fact]
    public async Task a_rebuild_killed_midway_leaves_the_daemon_running_and_its_rerun_equals_a_clean_rebuild()
    {
        await using var db = await SharedDatabase.CreateAsync();
        await using var server = db.StartNode("S");
        using var http = WebhookBurst.Client();
        await server.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));
        ShopTenant[] tenants = [await db.CreateShopTenantAsync(http, server), await db.CreateShopTenantAsync(http, server)];
        // 6,000 orders: two of the rebuild's pages (4,000 events each), so it can be caught between them.
        using (var uploads = new HttpClient { Timeout = TimeSpan.FromMinutes(2) })
            Assert.Equal(201, (await CrashMidBatchTests.PostBatchAsync(uploads, server, tenants[0], CrashMidBatchTests.Batch(4_100_000, 6000))).Status);
        await db.WaitForProjectionsAsync();
        var orders = await db.ScalarAsync("select count(*) from orders");
        var sent = 6000;

        // Killed as it starts: when it has printed its first line (the first projection's reset is not committed yet).
        await KillRebuildAsync(db, "as it starts", p => p.Log.Contains(": 0 / ", StringComparison.Ordinal) ? Task.FromResult(true) : Task.FromResult(false));
        sent += await DaemonStillProjectsAsync(db, http, server, tenants, sent);
        // Killed midway: the orders were deleted and some of them are back, not all.
        orders = await db.ScalarAsync("select count(*) from orders");
        await KillRebuildAsync(db, "midway through the orders", async _ => await db.ScalarAsync("select count(*) from orders") is > 0 and var n && n < orders);
        sent += await DaemonStillProjectsAsync(db, http, server, tenants, sent);

        var rerun = Stopwatch.StartNew();
        await db.RebuildWithCliAsync();
        output.WriteLine($"rebuild run again: finished in {rerun.Elapsed.TotalSeconds:0.0} s");
        await db.WaitForProjectionsAsync();
        var afterRerun = await db.ReadModelsAsync();
        Assert.Equal(sent, afterRerun["orders"].Count);
        await db.RebuildWithCliAsync();
        SharedDatabase.AssertSameRows(await db.ReadModelsAsync(), afterRerun, "the rerun against a clean rebuild");
        output.WriteLine($"read models after the rerun equal a clean rebuild ({sent} orders); rebuild kills: 2, lost: 0");
    }

    private async Task KillRebuildAsync(SharedDatabase db, string moment, Func<GrowHaloProcess, Task<bool>> when)
    {
        await using var rebuild = GrowHaloProcess.Start(db.ConnectionString, null, "projections", "rebuild");
        await Waiting.UntilAsync(async () => rebuild.HasExited || await when(rebuild), TimeSpan.FromSeconds(60), () => rebuild.Log);
        Assert.False(rebuild.HasExited, $"the rebuild ended before it could be killed {moment}:\n{rebuild.Log}");
        rebuild.Kill();
        output.WriteLine($"rebuild killed {moment}; orders rows then: {await db.ScalarAsync("select count(*) from orders")}; its output:\n  " +
            rebuild.Log.Trim().Replace("\n", "\n  ", StringComparison.Ordinal));
    }

    /// <summary>New webhooks after the kill are projected: the daemon does not wait on the dead rebuild's locks.</summary>
    private async Task<int> DaemonStillProjectsAsync(SharedDatabase db, HttpClient http, ServerNode server, ShopTenant[] tenants, int first)
    {
        var burst = new WebhookBurst([server], tenants, 4_000_000);
        var sent = await Task.WhenAll(Enumerable.Range(first, 50).Select(i => WebhookBurst.SendAsync(http, burst.DeliveryAt(i), server)));
        Assert.All(sent, s => Assert.Equal(201, s.Status));
        var watch = Stopwatch.StartNew();
        await db.WaitForProjectionsAsync(TimeSpan.FromSeconds(15));
        output.WriteLine($"50 new webhooks projected {watch.Elapsed.TotalSeconds:0.0} s after they were acknowledged");
        return sent.Length;
    }
}

using System.Diagnostics;
using System.Net;
using Alba;
using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Tests.Platform.Tenancy.RateLimiting;

public sealed class SharedRateLimitTests(RateLimitCluster cluster) : IClassFixture<RateLimitCluster>
{
    private const int Nodes = 3;
    private const int LeaseSize = 3; // min(RateLimits:LeaseSize 10, burst 30 / 10, 3 per second × 1 s)

    [Fact]
    public async Task three_nodes_admit_a_tenant_its_limit_once_not_three_times()
    {
        var key = await cluster.CreateTenantKeyAsync("Spread");
        var perNode = new int[Nodes];
        var statuses = new List<int>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Nodes * RateLimitCluster.Burst; i++)
        {
            var result = await Read(cluster.Nodes[i % Nodes], key);
            statuses.Add(result.Context.Response.StatusCode);
            if (result.Context.Response.StatusCode == 200) perNode[i % Nodes]++;
            else Assert.Equal("1", result.Context.Response.Headers.RetryAfter.ToString()); // one token every ⅓ s
        }
        var elapsed = clock.Elapsed.TotalSeconds;

        Assert.All(statuses, s => Assert.Contains(s, new[] { 200, 429 }));
        var admitted = perNode.Sum();
        // One bucket admits the burst plus what refills meanwhile; node-local buckets would have admitted all 90.
        Assert.InRange(admitted, RateLimitCluster.Burst - Nodes * (LeaseSize - 1),
            RateLimitCluster.Burst + (int)Math.Ceiling(RateLimitCluster.PerSecond * elapsed));
        Assert.True(admitted < 2 * RateLimitCluster.Burst, $"{admitted} admitted in {elapsed:0.0} s");
        Assert.All(perNode, n => Assert.True(n >= LeaseSize, $"every node admitted some: {string.Join(", ", perNode)}"));
    }

    [Fact]
    public async Task a_tenant_refused_on_one_node_is_refused_on_the_others_until_a_token_is_due()
    {
        var key = await cluster.CreateTenantKeyAsync("Drained");
        var clock = Stopwatch.StartNew();
        var admitted = 0;
        while (admitted < 2 * RateLimitCluster.Burst && (await Read(cluster.Nodes[0], key)).Context.Response.StatusCode == 200) admitted++;
        Assert.InRange(admitted, RateLimitCluster.Burst - LeaseSize, RateLimitCluster.Burst + (int)Math.Ceiling(RateLimitCluster.PerSecond * clock.Elapsed.TotalSeconds));
        clock.Restart();

        // The other nodes see the same empty bucket: at most the token or two that refilled since.
        var elsewhere = 0;
        for (var i = 0; i < 10; i++)
            if ((await Read(cluster.Nodes[1 + i % 2], key)).Context.Response.StatusCode == 200) elsewhere++;
        Assert.InRange(elsewhere, 0, 1 + (int)Math.Ceiling(RateLimitCluster.PerSecond * clock.Elapsed.TotalSeconds));
    }

    [Fact]
    public async Task when_the_database_cannot_be_reached_each_node_enforces_the_limit_alone_and_nothing_fails()
    {
        var key = await cluster.CreateTenantKeyAsync("Cut");
        var statuses = new List<int>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < RateLimitCluster.Burst + 10; i++)
            statuses.Add((await Read(cluster.Cut, key)).Context.Response.StatusCode);

        Assert.All(statuses, s => Assert.Contains(s, new[] { 200, 429 }));
        Assert.InRange(statuses.Count(s => s == 200), RateLimitCluster.Burst, RateLimitCluster.Burst + (int)Math.Ceiling(RateLimitCluster.PerSecond * clock.Elapsed.TotalSeconds));
        Assert.Equal(429, statuses[^1]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{statuses.Count} requests took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static Task<IScenarioResult> Read(IAlbaHost node, string key) => node.Scenario(s =>
    {
        s.WithRequestHeader(ApiKeyAuthentication.Header, key);
        s.Get.Url("/api/v1/tenant");
        s.IgnoreStatusCode();
    });
}

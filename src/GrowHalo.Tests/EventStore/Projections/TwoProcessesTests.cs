using GrowHalo.EventStore;
using GrowHalo.EventStore.Projections;
using GrowHalo.Tests.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace GrowHalo.Tests.EventStore.Projections;

/// <summary>Two real server processes on one database: each projection has one owner; when it dies the other takes over.</summary>
public sealed class TwoProcessesTests
{
    private static readonly Dictionary<string, string> FastTakeover = new() { ["Projections__TakeoverInterval"] = "00:00:00.5" };

    [Fact]
    public async Task each_projection_is_owned_by_one_of_two_servers_and_the_survivor_takes_over_when_the_owner_is_killed()
    {
        var cs = await ScratchDatabase.MigratedAsync();
        await using var services = AppServices.For(cs);
        var status = services.GetRequiredService<ProjectionStatusQuery>();
        await using var a = GrowHaloProcess.Start(cs, FastTakeover, "serve", "--urls=http://127.0.0.1:0");
        await using var b = GrowHaloProcess.Start(cs, FastTakeover, "serve", "--urls=http://127.0.0.1:0");

        // Both servers are up (each holds connections under its own name) and every projection has an owner.
        var owners = await WaitForAsync(async () =>
        {
            var names = await ConnectedApplicationsAsync(services);
            var statuses = await status.GetAsync();
            return names.Contains(a.ApplicationName) && names.Contains(b.ApplicationName) && statuses.All(s => s.Owner is not null)
                ? statuses : null;
        }, TimeSpan.FromSeconds(60), () => $"A:\n{a.Log}\nB:\n{b.Log}");
        Assert.All(owners, s => Assert.Contains(s.Owner, new[] { a.ApplicationName, b.ApplicationName }));
        Assert.Equal(owners.Count, await OwnerLocksAsync(services));

        var victim = owners.Single(s => s.Name == "ingest_activity").Owner == a.ApplicationName ? a : b;
        var survivor = victim == a ? b : a;
        victim.Kill();
        Assert.True(victim.HasExited);

        await WaitForAsync(async () => (await status.GetAsync()).All(s => s.Owner == survivor.ApplicationName) ? "" : null,
            TimeSpan.FromSeconds(20), () => survivor.Log);

        var store = services.GetRequiredService<GrowHalo.EventStore.EventStore>();
        await store.AppendAsync("t-after-kill", [.. Enumerable.Range(0, 5).Select(i =>
            NewEvent.Create("t-after-kill", $"shopify:order:{i}", $"k{i}", "shopify_order_received", new { id = i }))]);
        await status.WaitForNonStaleAsync(TimeSpan.FromSeconds(30));
        await using var count = services.GetRequiredService<Npgsql.NpgsqlDataSource>()
            .CreateCommand("select events from ingest_activity where tenant_id = 't-after-kill'");
        Assert.Equal(5L, await count.ExecuteScalarAsync());
        Assert.False(survivor.HasExited, survivor.Log);
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

    private static async Task<HashSet<string>> ConnectedApplicationsAsync(ServiceProvider services)
    {
        await using var cmd = services.GetRequiredService<Npgsql.NpgsqlDataSource>()
            .CreateCommand("select distinct application_name from pg_stat_activity where datname = current_database()");
        var names = new HashSet<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>Ownership locks held in this database: one per projection means no projection has two owners.</summary>
    private static async Task<long> OwnerLocksAsync(ServiceProvider services)
    {
        await using var cmd = services.GetRequiredService<Npgsql.NpgsqlDataSource>().CreateCommand("""
            select count(*) from pg_locks where locktype = 'advisory' and classid = x'4748'::int and objsubid = 2 and granted
               and database = (select oid from pg_database where datname = current_database())
            """);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

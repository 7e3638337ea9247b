using Alba;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Platform.Tenancy.RateLimiting;
using GrowHalo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowHalo.Tests.Platform.Tenancy.RateLimiting;

/// <summary>
/// Three GrowHalo nodes (the whole HTTP pipeline and daemon each) on one database, with a tenant limit of
/// <see cref="PerSecond"/>/s and bursts of <see cref="Burst"/> (so each node leases 3 tokens at a time); and a fourth
/// node, on the same database, whose rate limiter cannot reach PostgreSQL.
/// </summary>
public sealed class RateLimitCluster : IAsyncLifetime
{
    public const double PerSecond = 3;
    public const int Burst = 30;
    private readonly string _secretKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public IReadOnlyList<IAlbaHost> Nodes { get; private set; } = [];

    /// <summary>A node whose shared buckets point at a port where no database listens.</summary>
    public IAlbaHost Cut => Nodes[^1];

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        var unreachable = $"Host=127.0.0.1;Port={GrowHalo.Platform.Database.LocalPostgres.FreePort()};Username=nobody;Database=nowhere;Timeout=2";
        Nodes = await Task.WhenAll(
            Start(b => Configure(b, connectionString)),
            Start(b => Configure(b, connectionString)),
            Start(b => Configure(b, connectionString)),
            Start(b =>
            {
                Configure(b, connectionString);
                b.ConfigureTestServices(s => s.AddSingleton(sp => new SharedTokenBuckets(NpgsqlDataSource.Create(unreachable),
                    sp.GetRequiredService<IOptions<RateLimitSettings>>(), TimeProvider.System, sp.GetRequiredService<ILogger<SharedTokenBuckets>>())));
            }));
    }

    private static async Task<IAlbaHost> Start(Action<IWebHostBuilder> configure) => await AlbaHost.For<Program>(configure);

    private void Configure(IWebHostBuilder builder, string connectionString)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:GrowHalo", connectionString);
        builder.UseSetting("GROWHALO_SECRET_KEY", _secretKey);
        builder.UseSetting("Projections:SlowPollingTime", "00:00:00.500");
        builder.UseSetting("ApiKeys:MaxFailuresPerAddress", "1000000");
        builder.UseSetting("RateLimits:PermitsPerSecond", PerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("RateLimits:Burst", Burst.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A new tenant with a read key, created the way the operator endpoint does.</summary>
    public async Task<string> CreateTenantKeyAsync(string name)
    {
        var services = Nodes[0].Services;
        var tenant = await services.GetRequiredService<TenantStore>().CreateAsync($"{name} {Guid.NewGuid():N}"[..(name.Length + 9)], null, "UTC", "USD");
        return (await services.GetRequiredService<ApiKeyStore>().CreateAsync(tenant.Id, [Scopes.Read], "test")).RawKey;
    }

    public async Task DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
    }
}

using System.Security.Cryptography;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Platform;
using GrowHalo.Platform.Database;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// The real GrowHalo server (Kestrel on a loopback port, the projection daemon running) over a fresh bench database,
/// for the ingestion scenarios. Rate limits and polling are off, and request log lines are quieted (GROWHALO_LOG_LEVEL
/// Warning): the figures are the ingestion path, not the console.
/// </summary>
internal sealed class IngestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private IngestServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<IngestServer> StartAsync(NpgsqlDataSource database, CancellationToken ct)
    {
        Environment.SetEnvironmentVariable("GROWHALO_LOG_LEVEL", "Warning");
        var port = LocalPostgres.FreePort();
        var app = GrowHaloHost.BuildWebApplication([
            $"--urls=http://127.0.0.1:{port}", $"--ConnectionStrings:GrowHalo={database.ConnectionString}",
            "--RateLimits:Enabled=false", "--Polling:Enabled=false",
            $"--{SecretBox.KeyVariable}={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}",
        ]);
        await app.StartAsync(ct);
        return new IngestServer(app, new Uri($"http://127.0.0.1:{port}"));
    }

    public async Task<(string TenantId, string ApiKey)> TenantAsync(string name, CancellationToken ct)
    {
        var tenant = await _app.Services.GetRequiredService<TenantStore>().CreateAsync($"{name} {Guid.NewGuid():N}"[..(name.Length + 9)], ct: ct);
        var key = await _app.Services.GetRequiredService<ApiKeyStore>().CreateAsync(tenant.Id, Scopes.All, "bench", ct: ct);
        return (tenant.Id, key.RawKey);
    }

    public Task<IngestConnection> ConnectShopifyAsync(string tenantId, string shop, string secret, CancellationToken ct) =>
        _app.Services.GetRequiredService<ConnectionStore>().CreateAsync(tenantId,
            new ConnectionSettings("shopify", shop, shop, null, false, 900, secret, null), ct);

    public HttpClient Client(int connections) => new(new SocketsHttpHandler { MaxConnectionsPerServer = connections })
    {
        BaseAddress = Address, Timeout = TimeSpan.FromSeconds(100),
    };

    public async Task<long> EventsAsync(string tenantId, CancellationToken ct)
    {
        await using var cmd = _app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("select count(*) from events where tenant_id = $1");
        cmd.Parameters.Add(new() { Value = tenantId });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

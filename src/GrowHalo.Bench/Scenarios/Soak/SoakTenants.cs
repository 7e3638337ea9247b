using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using GrowHalo.Bench.Server;
using GrowHalo.Bench.Setup;
using Npgsql;

namespace GrowHalo.Bench.Scenarios.Soak;

/// <summary>
/// The soak's three tenants, each fed by one channel so its stored events can be counted against what was
/// acknowledged: W receives signed webhooks (and is the one the dashboard queries and live clients watch), B uploads
/// batches, P is polled from the stand-in platforms (Shopify, Meta, Google) by the server itself.
/// </summary>
public sealed record SoakTenants(BenchTenant Webhooks, BenchTenant Batches, BenchTenant Polling, string WebhookSecret)
{
    /// <summary>Shopify signs with the secret's UTF-8 bytes.</summary>
    public byte[] WebhookKey { get; } = System.Text.Encoding.UTF8.GetBytes(WebhookSecret);

    public const string WebhookShop = "halo-soak.myshopify.com";
    public const int PollingIntervalSeconds = 10;

    public static async Task<SoakTenants> CreateAsync(NpgsqlDataSource db, CancellationToken ct) => new(
        await BenchTenant.CreateAsync(db, "Soak Webhooks", ct: ct),
        await BenchTenant.CreateAsync(db, "Soak Batches", ct: ct),
        await BenchTenant.CreateAsync(db, "Soak Polling", ct: ct),
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));

    /// <summary>W's Shopify connection (its webhook secret), and P's three polling connections to the stand-ins.</summary>
    public async Task ConnectAsync(GrowHaloServer server, string standInUrl, Simulator.World.WorldOptions world, CancellationToken ct)
    {
        using (var w = server.Client(Webhooks.ApiKey))
            await CreateAsync(w, new { source = "shopify", external_account_id = WebhookShop, display_name = "Soak shop", webhook_secret = WebhookSecret }, ct);
        using var p = server.Client(Polling.ApiKey);
        foreach (var (source, account) in new[] { ("shopify", world.ShopDomain), ("meta", world.MetaAccountId), ("google", world.GoogleCustomerId) })
            await CreateAsync(p, new
            {
                source, external_account_id = account, display_name = $"{source} stand-in", api_base_url = standInUrl,
                polling_enabled = true, polling_interval_seconds = PollingIntervalSeconds, access_token = "token-" + source,
            }, ct);
    }

    private static async Task CreateAsync(HttpClient http, object body, CancellationToken ct)
    {
        using var created = await http.PostAsJsonAsync("/api/v1/ingest/connections", body, ct);
        if (created.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"creating a connection answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync(ct)}");
    }

    /// <summary>Events stored for a tenant (all of them: each tenant has one channel).</summary>
    public static async Task<long> StoredAsync(NpgsqlDataSource db, string tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select count(*) from mt_events where tenant_id = $1 and type <> 'tombstone'");
        cmd.Parameters.Add(new() { Value = tenantId });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}

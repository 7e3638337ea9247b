using System.Security.Cryptography;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Polling;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Simulator.World;

namespace GrowHalo.Simulator.Demo;

/// <summary>Everything the demo runs with: its tenant, a fresh API key, the simulated world and its connections.</summary>
public sealed record DemoSession(Tenant Tenant, string ApiKey, SimWorldRow WorldRow, SimWorld World, string WebhookSecret,
    IReadOnlyList<IngestConnection> Connections)
{
    public bool Seeded => WorldRow.SeededAt is not null;
}

/// <summary>
/// Creates the demo brand the first time (tenant "halo-demo", its simulated world, Shopify/Meta/Google connections
/// polling the stand-in APIs) and reuses it afterwards. Each run gets a new API key and a new webhook secret.
/// </summary>
public sealed class DemoSetup(TenantStore tenants, ApiKeyStore keys, ConnectionStore connections, SimWorldStore worlds,
    PollCursorStore cursors, TimeProvider time)
{
    public const string Slug = "halo-demo";
    public const string TimeZone = "America/New_York";
    public const int PollingSeconds = 30;

    public async Task<DemoSession> PrepareAsync(string standInUrl, int days, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var tenant = await tenants.FindAsync(Slug, ct) ?? await tenants.CreateAsync("Halo Goods (demo)", Slug, TimeZone, "USD", ct);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(tenant.TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var row = await worlds.GetOrCreateAsync(tenant.Id, 42, today.AddDays(-days), tenant.TimeZone, ct);
        var world = row.Open();
        var key = await keys.CreateAsync(tenant.Id, Scopes.All, "demo", null, ct);
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var list = new List<IngestConnection>();
        foreach (var (source, account, name) in new[]
                 {
                     ("shopify", world.Options.ShopDomain, "Halo Goods Shopify (simulated)"),
                     ("meta", world.Options.MetaAccountId, "Meta ads (simulated)"),
                     ("google", world.Options.GoogleCustomerId, "Google Ads (simulated)"),
                 })
            list.Add(await EnsureConnectionAsync(tenant.Id, source, account, name, standInUrl, secret, now, today, ct));
        return new DemoSession(tenant, key.RawKey, row, world, secret, list);
    }

    private async Task<IngestConnection> EnsureConnectionAsync(string tenantId, string source, string account, string name,
        string standInUrl, string secret, DateTimeOffset now, DateOnly today, CancellationToken ct)
    {
        var existing = (await connections.ListAsync(tenantId, ct)).FirstOrDefault(c => c.Source == source && c.ExternalAccountId == account);
        if (existing is not null)
            return (await connections.UpdateAsync(tenantId, existing.Id, new ConnectionPatch(
                ApiBaseUrl: new Change<string?>(standInUrl), PollingEnabled: true, Enabled: true,
                WebhookSecret: source == "shopify" ? new Change<string?>(secret) : null), ct))!;
        var created = await connections.CreateAsync(tenantId, new ConnectionSettings(source, account, name, standInUrl,
            PollingEnabled: true, PollingSeconds, source == "shopify" ? secret : null, $"simulated-{source}-token"), ct);
        // History arrives through the batch API; polling takes over from now on.
        await cursors.PlaceAsync(created.Id, PollCursorStore.CaughtUp(source, now, today), ct);
        return created;
    }
}

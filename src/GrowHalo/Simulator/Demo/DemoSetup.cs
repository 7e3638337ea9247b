using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Polling;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Simulator.World;

namespace GrowHalo.Simulator.Demo;

/// <summary>Everything the demo runs with: its tenant, a fresh API key, the simulated world and its ad connections.</summary>
public sealed record DemoSession(Tenant Tenant, string ApiKey, SimWorldRow WorldRow, SimWorld World, IReadOnlyList<IngestConnection> Connections)
{
    public bool Seeded => WorldRow.SeededAt is not null;
}

/// <summary>
/// Creates the demo brand the first time (tenant "halo-demo", its simulated world, Meta/Google connections polling
/// the stand-in APIs) and reuses it afterwards; each run gets a new API key. Its Shopify shop is not created here:
/// the demo installs the Shopify app on it (<see cref="DemoInstall"/>), as a brand would.
/// </summary>
public sealed class DemoSetup(TenantStore tenants, ApiKeyStore keys, ConnectionStore connections, SimWorldStore worlds,
    PollCursorStore cursors, TimeProvider time)
{
    public const string Slug = "halo-demo";
    public const string TimeZone = "America/New_York";
    public const int PollingSeconds = 30;

    /// <summary>The demo's Shopify app, played by GrowHalo and the stand-in shop alike.</summary>
    public const string AppClientId = "growhalo-demo-app";

    /// <summary>The demo app's client secret: derived from the secrets master key, so `growhalo simulate` signs webhooks with it too.</summary>
    public static string AppClientSecret(SecretBox secrets) => secrets.Derive("demo shopify app client secret");

    public async Task<DemoSession> PrepareAsync(string standInUrl, int days, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var tenant = await tenants.FindAsync(Slug, ct) ?? await tenants.CreateAsync("Halo Goods (demo)", Slug, TimeZone, "USD", ct);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(tenant.TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var row = await worlds.GetOrCreateAsync(tenant.Id, 42, today.AddDays(-days), tenant.TimeZone, ct);
        var world = row.Open();
        var key = await keys.CreateAsync(tenant.Id, Scopes.All, "demo", null, ct);
        var list = new List<IngestConnection>();
        foreach (var (source, account, name) in new[]
                 {
                     ("meta", world.Options.MetaAccountId, "Meta ads (simulated)"),
                     ("google", world.Options.GoogleCustomerId, "Google Ads (simulated)"),
                 })
            list.Add(await EnsureConnectionAsync(tenant.Id, source, account, name, standInUrl, now, today, ct));
        return new DemoSession(tenant, key.RawKey, row, world, list);
    }

    private async Task<IngestConnection> EnsureConnectionAsync(string tenantId, string source, string account, string name,
        string standInUrl, DateTimeOffset now, DateOnly today, CancellationToken ct)
    {
        var existing = (await connections.ListAsync(tenantId, ct)).FirstOrDefault(c => c.Source == source && c.ExternalAccountId == account);
        if (existing is not null)
            return (await connections.UpdateAsync(tenantId, existing.Id, new ConnectionPatch(
                ApiBaseUrl: new Change<string?>(standInUrl), PollingEnabled: true, Enabled: true), ct))!;
        var created = await connections.CreateAsync(tenantId, new ConnectionSettings(source, account, name, standInUrl,
            PollingEnabled: true, PollingSeconds, null, $"simulated-{source}-token"), ct);
        // History arrives through the batch API; polling takes over from now on.
        await cursors.PlaceAsync(created.TenantId, created.Id, PollCursorStore.CaughtUp(source, now, today), ct);
        return created;
    }
}

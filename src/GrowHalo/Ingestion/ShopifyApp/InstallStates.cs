using System.Security.Cryptography;
using GrowHalo.Platform.Tenancy;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowHalo.Ingestion.ShopifyApp;

/// <summary>
/// The one-time <c>state</c> of an install: 32 random bytes handed to the browser, only their SHA-256 kept, bound to
/// the tenant and the shop, valid for <see cref="ShopifyAppOptions.StateLifetime"/>. Spending it deletes it, so a
/// replayed callback finds nothing. The callback comes from Shopify without GrowHalo's cookie (SameSite=Strict), so
/// the state is what says whose install it is; its lookup therefore runs as the owner, like a webhook's.
/// </summary>
public sealed class InstallStates(NpgsqlDataSource dataSource, IOptions<ShopifyAppOptions> options, TimeProvider clock)
{
    public sealed record Spent(string TenantId, string Shop);

    public async Task<string> IssueAsync(string tenantId, string shop, CancellationToken ct)
    {
        var state = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        await using var db = await TenantDb.BeginAsync(dataSource, tenantId, ct);
        await using (var cmd = db.Command("""
            insert into shopify_oauth_states (state_hash, tenant_id, shop, created_at, expires_at) values ($1, $2, $3, $4, $5)
            """, Hash(state), tenantId, shop, now, now + options.Value.StateLifetime))
            await cmd.ExecuteNonQueryAsync(ct);
        await db.CommitAsync(ct);
        await SweepAsync(now, ct);
        return state;
    }

    /// <summary>The state's tenant and shop when it was issued and not yet spent or expired; gone afterwards either way.</summary>
    public async Task<Spent?> SpendAsync(string state, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("delete from shopify_oauth_states where state_hash = $1 returning tenant_id, shop, expires_at");
        cmd.Parameters.Add(new() { Value = Hash(state) });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct) || r.GetFieldValue<DateTimeOffset>(2) <= clock.GetUtcNow()) return null;
        return new Spent(r.GetString(0), r.GetString(1));
    }

    /// <summary>Abandoned installs leave expired states behind; each new install sweeps them.</summary>
    private async Task SweepAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("delete from shopify_oauth_states where expires_at < $1");
        cmd.Parameters.Add(new() { Value = now });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static byte[] Hash(string state) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(state));
}

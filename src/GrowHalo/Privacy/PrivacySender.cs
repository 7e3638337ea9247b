using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Webhooks;
using GrowHalo.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Privacy;

/// <summary>
/// Shopify sends shop/redact 48 hours after the app is uninstalled — when GrowHalo has disabled the shop's connection
/// — and may send the customer topics then too. So the privacy topics (and only they) are also proven by a disabled
/// connection's webhook secret, or by the app's secret for a shop that had installed the app (Shopify signs app
/// webhooks with it): the one thing a shop that left must still be able to send. The signature decides which
/// connection it is, as for any webhook.
/// </summary>
internal static class PrivacySender
{
    public static async Task<WebhookSender?> ByDisabledConnectionAsync(WebhookScheme scheme, string account, ReadOnlyMemory<byte> body,
        string? signature, string? appSecret, TenantDatabases databases, ConnectionStore connections, CancellationToken ct)
    {
        var candidates = new List<(string Id, string TenantId, bool ByApp)>();
        foreach (var dataSource in await databases.AllAsync(ct))
        {
            await using var cmd = dataSource.CreateCommand("""
                select id, tenant_id, installed_by_app from ingest_connections
                where source = $1 and external_account_id = $2 and not enabled and (webhook_secret is not null or installed_by_app)
                order by updated_at desc
                """);
            cmd.Parameters.Add(new() { Value = scheme.Source });
            cmd.Parameters.Add(new() { Value = account });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) candidates.Add((r.GetString(0), r.GetString(1), r.GetBoolean(2)));
        }
        foreach (var (id, tenantId, byApp) in candidates)
        {
            var proven = byApp && !string.IsNullOrEmpty(appSecret) && scheme.Verify(appSecret, body.Span, signature)
                || await connections.SecretAsync(tenantId, id, Secret.Webhook, ct) is { } secret && scheme.Verify(secret, body.Span, signature);
            if (proven && await connections.FindAsync(tenantId, id, ct) is { } connection)
                return new WebhookSender(tenantId, connection, ByApiKey: false);
        }
        return null;
    }
}

using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Webhooks;

namespace GrowHalo.Ingestion.ShopifyApp;

/// <summary>
/// Shopify's <c>app/uninstalled</c> webhook (signed like any other): the shop's access token is dead, so its
/// connection is disabled and its token forgotten, which stops polling (only enabled connections are claimed).
/// Installing the app again resumes the same connection with a new token. Nothing else is deleted: that is
/// <c>shop/redact</c>'s job, 48 hours later.
/// </summary>
public static class AppUninstalled
{
    public const string Topic = "app/uninstalled";

    public static async Task<WebhookReceipt> HandleAsync(string tenantId, IngestConnection? connection, ConnectionStore connections,
        ILoggerFactory loggers, CancellationToken ct)
    {
        if (connection is null) return new WebhookReceipt("ignored", null, 0, 0, []); // an API-key sender naming no connection of its own
        await connections.UpdateAsync(tenantId, connection.Id,
            new ConnectionPatch(Enabled: false, AccessToken: new Change<string?>(null)), ct);
        loggers.CreateLogger(typeof(AppUninstalled)).LogInformation(
            "The Shopify app was uninstalled from {Shop}: connection {ConnectionId} of tenant {TenantId} is disabled and no longer polled",
            connection.ExternalAccountId, connection.Id, tenantId);
        return new WebhookReceipt("uninstalled", connection.Id, 0, 0, []);
    }
}

using GrowHalo.Platform.Events;
using GrowHalo.Ingestion.Activity;
using GrowHalo.Ingestion.Batches;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.ShopifyApp;
using GrowHalo.Ingestion.Webhooks;

namespace GrowHalo.Ingestion;

/// <summary>
/// Entry point of the Ingestion part: every record that reaches GrowHalo (webhook, batch, poll) goes through
/// <see cref="Adapters.SourceAdapters"/> into the tenant's event store, once, before GrowHalo answers yes.
/// </summary>
public static class IngestionModule
{
    public static IServiceCollection AddIngestion(this IServiceCollection services)
    {
        services.AddSingleton<SecretBox>();
        services.AddSingleton<ConnectionStore>();
        services.AddOptions<ConnectionOptions>().BindConfiguration(ConnectionOptions.Section);
        services.AddSingleton<OutboundUrls>();
        services.AddSingleton<BatchStore>();
        services.AddShopifyApp();
        services.AddOptions<WebhookAppendOptions>().BindConfiguration("Webhooks");
        services.AddSingleton<WebhookAppendQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookAppendQueue>()); // drains the queue at shutdown
        return services.AddProjection<IngestActivityProjection>();
    }
}

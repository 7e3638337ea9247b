namespace GrowHalo.Privacy;

/// <summary>
/// Entry point of the Privacy part: Shopify's mandatory privacy webhooks (customers/data_request, customers/redact,
/// shop/redact) arrive at the Shopify receiver, are stored as events with a request row (<see cref="PrivacyWebhook"/>),
/// and are acted on by <see cref="PrivacyWorker"/>: an export (<see cref="CustomerExport"/>), a customer's personal data
/// masked in events and read models (<see cref="CustomerRedaction"/>), or the whole tenant deleted (<see cref="ShopRedaction"/>).
/// </summary>
public static class PrivacyModule
{
    public static IServiceCollection AddPrivacy(this IServiceCollection services, bool runWorker)
    {
        services.AddOptions<PrivacyOptions>().BindConfiguration("Privacy");
        services.AddSingleton<RedactionCheck>();
        services.AddSingleton<PrivacyWorker>();
        if (runWorker) services.AddHostedService(sp => sp.GetRequiredService<PrivacyWorker>());
        return services;
    }
}

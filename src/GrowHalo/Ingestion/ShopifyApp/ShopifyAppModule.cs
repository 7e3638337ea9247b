namespace GrowHalo.Ingestion.ShopifyApp;

/// <summary>
/// Entry point of the Shopify app: a store connects by installing it (OAuth: <see cref="InstallEndpoint"/> →
/// the shop's authorize page → <see cref="CallbackEndpoint"/>), and leaves by uninstalling it (<see cref="AppUninstalled"/>).
/// </summary>
public static class ShopifyAppModule
{
    public static IServiceCollection AddShopifyApp(this IServiceCollection services)
    {
        services.AddOptions<ShopifyAppOptions>().BindConfiguration(ShopifyAppOptions.Section);
        services.AddSingleton<InstallStates>();
        services.AddSingleton<ShopifyAdminClient>();
        services.AddSingleton<FirstSync>();
        return services;
    }
}

using GrowHalo.Platform.Events;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Modeling.Currency;

namespace GrowHalo.Modeling;

/// <summary>
/// Entry point of the Modeling part: the commerce projection that turns source events into orders, refunds,
/// customers, ad spend, products, checkouts (and their daily summaries), and the fx rates it converts with.
/// </summary>
public static class ModelingModule
{
    public static IServiceCollection AddModeling(this IServiceCollection services)
    {
        services.AddProjection<CommerceProjection>();
        services.AddSingleton<FxRateStore>();
        return services;
    }
}

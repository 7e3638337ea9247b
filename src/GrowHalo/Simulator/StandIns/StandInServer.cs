using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace GrowHalo.Simulator.StandIns;

/// <summary>
/// The stand-in platform APIs on a Kestrel port of their own (loopback only): Shopify Admin REST and GraphQL, Meta
/// insights, Google Ads searchStream, all over one <see cref="StandInState"/>. Port 0 picks a free port.
/// </summary>
public sealed class StandInServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StandInServer(WebApplication app, StandInState state, string baseUrl)
    {
        _app = app;
        State = state;
        BaseUrl = baseUrl;
    }

    public StandInState State { get; }

    /// <summary>e.g. http://127.0.0.1:5081 — the api_base_url to give a polling connection.</summary>
    public string BaseUrl { get; }

    public static async Task<StandInServer> StartAsync(StandInState state, int port = 0, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapStandIns(state);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StandInServer(app, state, address.Replace("[::]", "127.0.0.1").TrimEnd('/'));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public static class StandInEndpoints
{
    public static IEndpointRouteBuilder MapStandIns(this IEndpointRouteBuilder app, StandInState state)
    {
        ShopifyRestStandIn.Map(app, state);
        ShopifyAppStandIn.Map(app, state);
        ShopifyGraphQlStandIn.Map(app, state);
        MetaInsightsStandIn.Map(app, state);
        GoogleAdsStandIn.Map(app, state);
        return app;
    }
}

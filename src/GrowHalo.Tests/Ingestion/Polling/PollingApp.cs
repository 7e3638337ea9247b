using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Polling;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Ingestion.Polling;

/// <summary>The stand-in app for polling tests, which run passes by hand (<see cref="PollAsync"/>).</summary>
public sealed class PollingApp : StandInApp
{
    protected override int ShopifyPageSize => 100;

    /// <summary>A tenant in the shop's time zone with one connection of <paramref name="source"/> pointing at the stand-ins.</summary>
    public async Task<(TenantClient Tenant, IngestConnection Connection)> ConnectAsync(string source, string? baseUrl = null)
    {
        var tenant = await CreateTenantAsync("Polled", "America/New_York");
        return (tenant, await ConnectAsync(tenant, source, baseUrl, polling: false));
    }

    public Task<PollOutcome> PollAsync(IngestConnection connection) => Service<ConnectionPoller>().PollAsync(connection, CancellationToken.None);
}

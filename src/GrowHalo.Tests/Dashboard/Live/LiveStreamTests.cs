using System.Net;
using System.Net.Http.Json;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Dashboard.Live;

public sealed class LiveStreamTests(GrowHaloApp app) : IClassFixture<GrowHaloApp>
{
    private async Task<HttpClient> SignedInBrowser(TenantClient brand)
    {
        var browser = app.CreateClient(new ClientOptions(HandleCookies: true));
        (await browser.PostAsJsonAsync("/dashboard/sign-in", new { api_key = brand.ApiKey })).EnsureSuccessStatusCode();
        return browser;
    }

    /// <summary>Reads server-sent lines until one equals <paramref name="line"/>; the token only guards against a hang.</summary>
    private static async Task<List<string>> ReadUntil(StreamReader stream, string line, CancellationToken ct)
    {
        var seen = new List<string>();
        while (await stream.ReadLineAsync(ct) is { } next)
        {
            seen.Add(next);
            if (next == line) return seen;
        }
        throw new EndOfStreamException($"The stream ended before '{line}'. Seen: {string.Join(" | ", seen)}");
    }

    [Fact]
    public async Task the_live_stream_says_changed_once_a_projection_has_applied_the_tenants_new_event()
    {
        var brand = await app.CreateTenantAsync(scopes: [Scopes.Read]);
        var browser = await SignedInBrowser(brand);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await browser.GetAsync("/dashboard/live", HttpCompletionOption.ResponseHeadersRead, guard.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var stream = new StreamReader(await response.Content.ReadAsStreamAsync(guard.Token));
        await ReadUntil(stream, "event: ready", guard.Token);

        await app.Service<GrowHalo.Platform.Events.EventAppender>().AppendAsync(brand.Id,
            [SampleEvents.ShopifyOrder(brand.Id, 5001, DateTimeOffset.UtcNow, 42.50m, "c-1")]);

        var lines = await ReadUntil(stream, "event: changed", guard.Token);
        Assert.Equal("data: {}", await stream.ReadLineAsync(guard.Token)); // "changed" and nothing else: no data rides along
        Assert.DoesNotContain(lines, l => l.StartsWith("data:") && l != "data: {}");
    }

    [Fact]
    public async Task the_live_stream_needs_a_signed_in_session()
    {
        var response = await app.CreateClient().GetAsync("/dashboard/live");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

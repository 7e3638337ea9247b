namespace GrowHalo.Simulator.Demo;

/// <summary>
/// The demo's Shopify shop connects the way a brand's does: the browser's part of the app install, played by an
/// HttpClient that follows no redirect by itself — GrowHalo's install link (with the demo's admin key), the stand-in
/// shop's authorize page (which approves at once) and GrowHalo's callback, which must land on the dashboard.
/// </summary>
public static class DemoInstall
{
    public static async Task<string> InstallShopifyAsync(string growHaloUrl, string apiKey, string shop, CancellationToken ct)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };
        var authorize = await RedirectAsync(browser, $"{growHaloUrl}/auth/shopify/install?shop={Uri.EscapeDataString(shop)}", apiKey, ct);
        var callback = await RedirectAsync(browser, authorize, null, ct);
        var landing = await RedirectAsync(browser, callback, null, ct);
        return landing.StartsWith("/dashboard?installed=shopify", StringComparison.Ordinal) ? landing
            : throw new InvalidOperationException($"The Shopify install ended at {landing} instead of the dashboard.");
    }

    private static async Task<string> RedirectAsync(HttpClient browser, string url, string? apiKey, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (apiKey is not null) request.Headers.Add("x-api-key", apiKey);
        using var response = await browser.SendAsync(request, ct);
        if ((int)response.StatusCode != 302 || response.Headers.Location is null)
            throw new InvalidOperationException($"The Shopify install stopped at {new Uri(url).GetLeftPart(UriPartial.Path)}: " +
                $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        return response.Headers.Location.ToString();
    }
}

using GrowHalo.Platform.Events.Projections;
using GrowHalo.Platform;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace GrowHalo.Tests.Dashboard.Browser;

[CollectionDefinition(Name)]
public sealed class DashboardBrowserCollection : ICollectionFixture<DashboardServer>
{
    public const string Name = "Dashboard in a browser";
}

/// <summary>
/// The real GrowHalo server on a real Kestrel port (127.0.0.1:0, over a fresh database) and Debian's headless
/// Chromium driven by Playwright. A browser cannot reach WebApplicationFactory's in-memory server, hence this.
/// One server and one browser for the whole collection; each test makes its own tenant and browser context.
/// </summary>
public sealed class DashboardServer : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";
    private WebApplication? _app;
    private IPlaywright? _playwright;

    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"The dashboard's browser tests need Chromium at {Chromium}: apt-get install -y chromium (.ci/run does).");
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        _app = GrowHaloHost.BuildWebApplication([
            "--urls=http://127.0.0.1:0",
            "--environment=Testing",
            $"--ConnectionStrings:GrowHalo={connectionString}",
            "--Projections:SlowPollingTime=00:00:00.500",
            "--Projections:LeadershipPollingTime=00:00:00.200",
            "--Connections:AllowStandInHosts=true", // Sync now polls the stand-in APIs on 127.0.0.1
            "--ApiKeys:MaxFailuresPerAddress=1000000", // every browser test comes from 127.0.0.1
            "--Dashboard:LiveHeartbeat=00:00:02", // so a revoked key's open page notices within seconds
        ]);
        await _app.StartAsync();
        BaseUrl = _app.Urls.Single();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    public T Service<T>() where T : notnull => _app!.Services.GetRequiredService<T>();

    public GrowHalo.Platform.Events.EventAppender Events => Service<GrowHalo.Platform.Events.EventAppender>();

    public async Task<(Tenant Tenant, string Key, ApiKeyInfo Info)> CreateTenantAsync(string name, params string[] scopes)
    {
        var tenant = await Service<TenantStore>().CreateAsync($"{name} {Guid.NewGuid():N}"[..(name.Length + 7)]);
        var key = await Service<ApiKeyStore>().CreateAsync(tenant.Id, scopes.Length == 0 ? [Scopes.Read] : scopes, "browser test");
        return (tenant, key.RawKey, key.Info);
    }

    /// <summary>An HTTP client for the same server, with an API key: what the page shows is checked against it.</summary>
    public HttpClient Api(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Add("x-api-key", key);
        return client;
    }

    public Task WaitForProjectionsAsync() => Service<ProjectionStatusQuery>().WaitForNonStaleAsync(TimeSpan.FromSeconds(30));

    /// <summary>A fresh browser context (own cookies) at a desktop size, in en-US so numbers read as the tests expect.</summary>
    public async Task<BrowserPage> OpenAsync(string path = "/dashboard", int width = 1440, int height = 1000)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, Locale = "en-US", TimezoneId = "UTC" });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var result = new BrowserPage(context, page);
        await page.GotoAsync(BaseUrl + path);
        return result;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

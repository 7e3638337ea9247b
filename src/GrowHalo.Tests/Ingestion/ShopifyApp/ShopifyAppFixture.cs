using System.Net;
using Alba;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Polling;
using GrowHalo.Simulator.StandIns;
using GrowHalo.Simulator.World;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Platform.Tenancy;
using GrowHalo.Tests.Simulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace GrowHalo.Tests.Ingestion.ShopifyApp;

/// <summary>
/// GrowHalo configured with a Shopify app whose shops are played by the stand-in (a real HTTP server that knows the
/// same app), a clock tests move, polling run by hand, and every log line captured. The browser's part — following
/// GrowHalo's redirect to the stand-in's authorize page and the stand-in's redirect back — is done by <see cref="InstallAsync"/>.
/// </summary>
public sealed class ShopifyAppFixture : IngestionApp
{
    public const string ClientId = "growhalo-test-app";
    public const string ClientSecret = "app-secret-0b7c1d9e4f";
    public const string AppUrl = "https://growhalo.test";
    public static readonly DateTimeOffset Now = new(2026, 3, 10, 17, 0, 0, TimeSpan.Zero);

    public ManualTime Clock { get; } = new(Now);
    public LogCapture Logs { get; } = new();
    public StandInServer StandIns { get; private set; } = null!;
    public string Shop => StandIns.State.Options.ShopDomain;

    /// <summary>Plays the browser's part with the stand-in: never follows a redirect by itself.</summary>
    public HttpClient Browser { get; } = new(new HttpClientHandler { AllowAutoRedirect = false });

    public override async Task InitializeAsync()
    {
        var world = new SimWorld(new WorldOptions(), new DateOnly(2026, 2, 19));
        // Every install here starts a sync run of the shop, and one run can still be going when the next begins. Shopify's
        // bucket (40 calls, 2 a second) is shared by all of them, and 5 retries 0.05 s apart do not wait for a slot:
        // a large bucket, as in StandInApp (throttling has its own tests: ShopifyPollerTests, StandInApiTests).
        StandIns = await StandInServer.StartAsync(new StandInState(world, Clock,
            new StandInOptions { AppClientId = ClientId, AppClientSecret = ClientSecret, RetryAfterSeconds = 0.05, BucketSize = 10_000 }));
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Polling:Enabled", "false");
        builder.UseSetting("ShopifyApp:ClientId", ClientId);
        builder.UseSetting("ShopifyApp:ClientSecret", ClientSecret);
        builder.UseSetting("ShopifyApp:AppUrl", AppUrl);
        builder.UseSetting("ShopifyApp:AllowStandInShops", "true");
        builder.UseSetting("ShopifyApp:StandInUrl", StandIns.BaseUrl);
        // GrowHalo's own logs at every level; the framework's at the levels GrowHalo ships with (ASP.NET Core's own
        // "Request starting" lines, at Information, would print callback URLs with their query: keep them off).
        builder.UseSetting("Serilog:MinimumLevel:Default", "Verbose");
        builder.UseSetting("Serilog:MinimumLevel:Override:GrowHalo", "Verbose");
        builder.UseSetting("Serilog:MinimumLevel:Override:Microsoft", "Warning");
        builder.UseSetting("Serilog:MinimumLevel:Override:System", "Warning");
        builder.UseSetting("Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware", "Verbose");
        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock).AddSingleton<Serilog.Core.ILogEventSink>(Logs));
    }

    /// <summary>A tenant; the shop's enabled connection of an earlier test steps aside (one enabled connection per shop).</summary>
    public async Task<TenantClient> TenantAsync(params string[] scopes)
    {
        await CountAsync("update ingest_connections set enabled = false where source = 'shopify' and external_account_id = $1", Shop);
        return await CreateTenantAsync("Installer", "America/New_York", "USD", scopes);
    }

    /// <summary>GET /auth/shopify/install as the tenant's admin key: must redirect, to the stand-in's authorize page.</summary>
    public async Task<Uri> StartInstallAsync(TenantClient tenant, string? shop = null)
    {
        var result = await tenant.Scenario(s =>
        {
            s.Get.Url($"/auth/shopify/install?shop={Uri.EscapeDataString(shop ?? Shop)}");
            s.StatusCodeShouldBe(HttpStatusCode.Redirect);
        });
        return new Uri(result.Context.Response.Headers.Location.ToString());
    }

    /// <summary>The browser at the shop's authorize page: the stand-in approves and sends it back to the callback URL.</summary>
    public async Task<string> AuthorizeAsync(Uri authorize)
    {
        using var response = await Browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var back = response.Headers.Location!;
        Assert.StartsWith($"{AppUrl}/auth/shopify/callback?", back.ToString());
        return back.PathAndQuery;
    }

    /// <summary>GET the callback (as the browser coming back from Shopify: no key, no cookie) and expect <paramref name="status"/>.</summary>
    public Task<IScenarioResult> CallbackAsync(string pathAndQuery, HttpStatusCode status) => Host.Scenario(s =>
    {
        s.Get.Url(pathAndQuery);
        s.StatusCodeShouldBe(status);
    });

    /// <summary>The whole install, which must succeed; returns the tenant's Shopify connection.</summary>
    public async Task<IngestConnection> InstallAsync(TenantClient tenant)
    {
        var callback = await AuthorizeAsync(await StartInstallAsync(tenant));
        await CallbackAsync(callback, HttpStatusCode.Redirect);
        return (await Service<ConnectionStore>().ListAsync(tenant.Id)).Single(c => c.Source == "shopify" && c.ExternalAccountId == Shop);
    }

    /// <summary>What would change if an install stored anything: connections, which are enabled, their tokens (as stored).</summary>
    public async Task<string> StoredAsync() =>
        $"{await CountAsync("select count(*) from ingest_connections")} connections, " +
        $"{await CountAsync("select count(*) from ingest_connections where enabled")} enabled, " +
        $"{await CountAsync("select count(*) from ingest_connections where access_token is not null")} tokens, " +
        $"{await CountAsync("select coalesce(sum(get_byte(sha256(access_token), 0)), 0) from ingest_connections")} token checksum";

    /// <summary>Connections the polling service would poll now.</summary>
    public async Task<IReadOnlyList<string>> DueAsync() =>
        [.. (await Service<PollingService>().ClaimDueAsync(CancellationToken.None)).Select(c => c.Id)];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await StandIns.DisposeAsync();
        Browser.Dispose();
    }
}

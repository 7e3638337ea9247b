using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Alba;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Polling;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Ingestion;
using Microsoft.Extensions.Options;

namespace GrowHalo.Tests.Platform.Security;

/// <summary>A tenant admin's api_base_url cannot make the server call anything but the platforms' own hosts.</summary>
[Collection(SecurityCollection.Name)]
public sealed class OutboundUrlTests(SecurityApp app)
{
    public static TheoryData<string, string, string> Refused => new()
    {
        { "shopify", "http://127.0.0.1:8080", "https" },
        { "shopify", "https://127.0.0.1", "not an IP address" },
        { "shopify", "https://10.0.0.7", "not an IP address" },
        { "shopify", "https://172.16.4.2", "not an IP address" },
        { "shopify", "https://192.168.1.1", "not an IP address" },
        { "meta", "https://169.254.169.254/latest/meta-data", "not an IP address" },
        { "meta", "https://[::1]", "not an IP address" },
        { "meta", "https://[fe80::1]", "not an IP address" },
        { "google", "https://[fd00::1]", "not an IP address" },
        { "google", "https://[::ffff:127.0.0.1]", "not an IP address" },
        { "google", "https://0.0.0.0", "not an IP address" },
        { "google", "https://224.0.0.1", "not an IP address" },
        { "shopify", "https://2130706433/", "not an IP address" },
        { "shopify", "https://0x7f000001/", "not an IP address" },
        { "shopify", "https://localhost", "localhost" },
        { "shopify", "https://api.localhost:443", "localhost" },
        { "shopify", "https://acme.myshopify.com@127.0.0.1/", "user info" },
        { "shopify", "https://user:pw@acme.myshopify.com", "user info" },
        { "shopify", "http://acme.myshopify.com", "https" },
        { "shopify", "https://acme.myshopify.com:8443", "default https port" },
        { "shopify", "https://acme.myshopify.com.evil.example", "names the host" },
        { "shopify", "https://myshopify.com", "names the host" },
        { "shopify", "https://graph.facebook.com", "names the host" },
        { "meta", "https://acme.myshopify.com", "names the host" },
        { "meta", "https://graph.facebook.com.evil.example", "names the host" },
        { "google", "https://graph.facebook.com", "names the host" },
        { "google", "https://evil.example.com", "names the host" },
        { "google", "https://googleads.googleapis.com?x=1", "query" },
        { "meta", "file:///etc/passwd", "http(s) URL" },
    };

    [Theory, MemberData(nameof(Refused))]
    public async Task a_connection_refuses_an_api_base_url_off_its_platforms_hosts(string source, string url, string reason)
    {
        var tenant = await app.CreateTenantAsync();
        var problem = await CreateAsync(tenant, source, url, HttpStatusCode.BadRequest);
        var error = ErrorFor(problem, "api_base_url");
        Assert.Contains(reason, error);
        if (reason != "http(s) URL") Assert.Contains(OutboundUrls.AllowedHosts(source), error);
        Assert.Contains("api_base_url", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await app.CountAsync("select count(*) from ingest_connections where tenant_id = $1", tenant.Id));
    }

    [Theory]
    [InlineData("shopify", "https://acme-store.myshopify.com", "https://acme-store.myshopify.com")]
    [InlineData("shopify", "https://ACME.myshopify.com/", "https://acme.myshopify.com")]
    [InlineData("meta", "https://graph.facebook.com", "https://graph.facebook.com")]
    [InlineData("google", "https://googleads.googleapis.com/", "https://googleads.googleapis.com")]
    [InlineData("google", SecurityApp.ExtraBaseUrl, SecurityApp.ExtraBaseUrl)]
    public async Task the_platforms_hosts_and_the_operators_extra_base_urls_are_accepted(string source, string url, string stored)
    {
        var tenant = await app.CreateTenantAsync();
        var created = await CreateAsync(tenant, source, url, HttpStatusCode.Created);
        Assert.Equal(stored, created.GetProperty("api_base_url").GetString());
    }

    [Fact]
    public async Task a_patch_may_only_point_a_connection_at_its_own_platform()
    {
        var tenant = await app.CreateTenantAsync();
        var id = (await CreateAsync(tenant, "meta", null, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var toShop = await PatchAsync(tenant, id, "https://acme.myshopify.com", HttpStatusCode.BadRequest);
        Assert.Contains("https://graph.facebook.com", ErrorFor(toShop, "api_base_url"));
        var toMetadata = await PatchAsync(tenant, id, "http://169.254.169.254", HttpStatusCode.BadRequest);
        Assert.Contains("https", ErrorFor(toMetadata, "api_base_url"));
        var ok = await PatchAsync(tenant, id, "https://graph.facebook.com", HttpStatusCode.OK);
        Assert.Equal("https://graph.facebook.com", ok.GetProperty("api_base_url").GetString());
        // Another tenant's connection stays unknown, whatever the URL.
        var other = await app.CreateTenantAsync();
        await PatchAsync(other, id, "https://graph.facebook.com", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task a_stored_url_off_the_platforms_hosts_is_never_called_by_the_poller()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var tenant = await app.CreateTenantAsync();
        // As a row written before the rule (or by hand) would be: the store itself does not validate.
        var connection = await app.Service<ConnectionStore>().CreateAsync(tenant.Id, new ConnectionSettings(
            "meta", Unique.Digits(), "old", $"http://127.0.0.1:{port}", false, 900, null, "token"));
        var outcome = await app.Service<ConnectionPoller>().PollAsync(connection, CancellationToken.None);
        Assert.Contains("refused to call", outcome.Error);
        Assert.Contains("https", outcome.Error);
        Assert.False(listener.Pending());
    }

    [Theory]
    [InlineData("localhost", "loopback")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("[::1]", "loopback")]
    public async Task the_connection_is_checked_against_the_resolved_address_at_connect_time(string host, string kind)
    {
        // A name that passed validation can resolve to a private address later (DNS rebinding): the socket is refused.
        using var listener = new TcpListener(host == "[::1]" ? IPAddress.IPv6Loopback : IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var http = new HttpClient(app.Service<OutboundUrls>().CreateHandler());
        var e = await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync($"https://{host}:{port}/admin/api/2024-10/orders.json"));
        Assert.Contains("refused to connect", e.Message);
        Assert.IsType<OutboundRefusedException>(e.InnerException ?? e);
        Assert.Contains(kind, e.Message);
        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task with_stand_ins_allowed_the_handler_connects_to_loopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var urls = new OutboundUrls(Options.Create(new ConnectionOptions { AllowStandInHosts = true }));
        Assert.Null(urls.Check("meta", new Uri($"http://127.0.0.1:{port}")));
        using var http = new HttpClient(urls.CreateHandler()) { Timeout = TimeSpan.FromSeconds(1) };
        var send = http.GetAsync($"http://127.0.0.1:{port}/");
        using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(accepted.Connected);
        await Assert.ThrowsAnyAsync<Exception>(() => send); // nobody answers; only the connection mattered
    }

    [Theory]
    [InlineData("8.8.8.8", null)]
    [InlineData("2606:4700::1111", null)]
    [InlineData("100.64.0.1", "carrier-grade")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("172.32.0.1", null)]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::", "unspecified")]
    [InlineData("fc00::1", "private")]
    public void addresses_are_classified(string address, string? refusal)
    {
        var why = OutboundUrls.Refusal(IPAddress.Parse(address));
        if (refusal is null) Assert.Null(why);
        else Assert.Contains(refusal, why);
    }

    private static async Task<JsonElement> CreateAsync(TenantClient tenant, string source, string? url, HttpStatusCode status)
    {
        var account = source switch { "shopify" => Unique.Shop(), "meta" => Unique.Digits(), _ => Unique.Digits() };
        var result = await tenant.Scenario(s =>
        {
            var body = new Dictionary<string, object?> { ["source"] = source, ["external_account_id"] = account };
            if (url is not null) body["api_base_url"] = url;
            s.Post.Json(body).ToUrl("/api/v1/ingest/connections");
            s.StatusCodeShouldBe(status);
        });
        return JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
    }

    private static async Task<JsonElement> PatchAsync(TenantClient tenant, string id, string url, HttpStatusCode status)
    {
        var result = await tenant.Scenario(s =>
        {
            s.Patch.Json(new Dictionary<string, object?> { ["api_base_url"] = url }).ToUrl($"/api/v1/ingest/connections/{id}");
            s.StatusCodeShouldBe(status);
        });
        return JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
    }

    private static string ErrorFor(JsonElement problem, string field) =>
        problem.GetProperty("errors").EnumerateArray().Single(e => e.GetProperty("field").GetString() == field).GetProperty("reason").GetString()!;
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GrowHalo.Platform;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GrowHalo.Tests.Platform.HostileInput;

/// <summary>
/// The real server on a real Kestrel port: only Kestrel enforces a minimum body data rate and its default body size
/// limit (the in-memory TestServer waits for a slow body as long as it takes and takes any size), so the slow-body and
/// over-the-limit cases run here.
/// </summary>
public sealed class KestrelServer : IAsyncLifetime
{
    private WebApplication? _app;
    public string BaseUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        _app = GrowHaloHost.BuildWebApplication([
            "--urls=http://127.0.0.1:0",
            "--environment=Testing",
            $"--ConnectionStrings:GrowHalo={connectionString}",
            $"--GROWHALO_SECRET_KEY={Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))}",
            "--RateLimits:Enabled=false",
        ]);
        await _app.StartAsync();
        BaseUrl = _app.Urls.Single();
    }

    public T Service<T>() where T : notnull => _app!.Services.GetRequiredService<T>();

    public async Task<(string TenantId, string Key)> CreateTenantAsync()
    {
        var tenant = await Service<TenantStore>().CreateAsync($"Kestrel {Guid.NewGuid():N}"[..16]);
        return (tenant.Id, (await Service<ApiKeyStore>().CreateAsync(tenant.Id, Scopes.All, "hostile")).RawKey);
    }

    public async Task<long> EventsAsync(string tenantId)
    {
        await using var cmd = Service<NpgsqlDataSource>().CreateCommand("select count(*) from mt_events where tenant_id = $1 and type <> 'tombstone'");
        cmd.Parameters.Add(new() { Value = tenantId });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed class SlowAndLargeBodyTests(KestrelServer server) : IClassFixture<KestrelServer>
{
    /// <summary>A body that arrives one byte at a time, far below Kestrel's minimum rate (240 bytes/s after a 5 s grace).</summary>
    private sealed class TrickleContent(byte[] bytes, TimeSpan every) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken ct)
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                await stream.WriteAsync(bytes.AsMemory(i, 1), ct);
                await stream.FlushAsync(ct);
                await Task.Delay(every, ct);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, default);

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }

    [Theory]
    [InlineData("/api/v1/ingest/batch")]
    [InlineData("/api/v1/keys")]
    [InlineData("/api/v1/ingest/connections")]
    public async Task a_body_that_trickles_in_is_cut_off_by_the_server_without_a_hang_or_a_server_error_and_stores_nothing(string url)
    {
        var (tenantId, key) = await server.CreateTenantAsync();
        var body = Encoding.UTF8.GetBytes("{\"source\": \"shopify\", \"events\": [" + new string(' ', 400) + "]}");
        using var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl), Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new TrickleContent(body, TimeSpan.FromMilliseconds(250)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("x-api-key", key);
        using var hang = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await client.SendAsync(request, hang.Token);
            var status = (int)response.StatusCode;
            Assert.True(status is >= 400 and < 500, $"{status}: {await response.Content.ReadAsStringAsync()}");
        }
        catch (HttpRequestException) when (!hang.IsCancellationRequested)
        {
            // The server closed the connection on a client too slow to send its body: an answer, not a hang.
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(25), $"took {watch.Elapsed}");
        Assert.Equal(0, await server.EventsAsync(tenantId));
        await AssertHealthyAsync(key);
    }

    [Theory]
    [InlineData("/api/v1/keys", 31 * 1024 * 1024)] // Kestrel's default limit (30 MB) for bodies the JSON reader binds
    [InlineData("/api/v1/ingest/connections", 65 * 1024)] // connections' own limit (64 KB)
    [InlineData("/api/v1/ingest/webhook/shopify", 17 * 1024 * 1024)] // webhooks' own limit (16 MB)
    public async Task a_body_over_the_limit_is_a_413_problem(string url, int size)
    {
        var (tenantId, key) = await server.CreateTenantAsync();
        var body = new byte[size];
        Array.Fill(body, (byte)' ');
        "{\"label\": \"x\"}"u8.CopyTo(body);
        using var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("x-api-key", key);
        request.Headers.ExpectContinue = true; // as large uploads do: the answer comes before the body is sent
        request.Headers.Add("X-Shopify-Hmac-Sha256", "c2lnbmF0dXJl");
        request.Headers.Add("X-Shopify-Topic", "orders/create");
        request.Headers.Add("X-Shopify-Shop-Domain", "nobody.myshopify.com");

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()));
        Assert.Equal(0, await server.EventsAsync(tenantId));
        await AssertHealthyAsync(key);
    }

    private async Task AssertHealthyAsync(string key)
    {
        using var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        client.DefaultRequestHeaders.Add("x-api-key", key);
        var keys = await client.PostAsync("/api/v1/keys", new StringContent("{\"scopes\": [\"read\"], \"label\": \"after\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, keys.StatusCode);
    }
}

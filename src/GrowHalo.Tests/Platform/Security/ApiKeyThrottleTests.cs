using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alba;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace GrowHalo.Tests.Platform.Security;

/// <summary>Guessing API keys from one address is cut off at the limit, with 429 and Retry-After, before any lookup.</summary>
[Collection(SecurityCollection.Name)]
public sealed class ApiKeyThrottleTests(SecurityApp app)
{
    private HttpClient From(IPAddress address) =>
        new(app.Server.CreateHandler(c => c.Connection.RemoteIpAddress = address)) { BaseAddress = new Uri("http://growhalo.test/") };

    private static int _next = 10;

    /// <summary>A client address no other test used (documentation range 203.0.113.0/24).</summary>
    private static IPAddress NewAddress() => new(new byte[] { 203, 0, 113, (byte)Interlocked.Increment(ref _next) });

    private static HttpRequestMessage Get(string key) =>
        new(HttpMethod.Get, "/api/v1/ingest/connections") { Headers = { { "x-api-key", key } } };

    [Fact]
    public async Task unknown_keys_from_one_address_are_refused_with_429_once_over_the_limit()
    {
        var tenant = await app.CreateTenantAsync();
        var address = NewAddress();
        using var client = From(address);
        for (var i = 0; i < SecurityApp.KeyFailureLimit; i++)
        {
            using var wrong = await client.SendAsync(Get($"ghk_guess{i}"));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        // Over the limit: even the right key from that address waits, and the answer says for how long.
        using var refused = await client.SendAsync(Get(tenant.ApiKey));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var seconds = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 15 * 60);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains("not recognised", problem.GetProperty("detail").GetString());
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        // Refused before the lookup: a blocked guess is not counted again.
        Assert.Equal(SecurityApp.KeyFailureLimit, await FailuresAsync(address));
        using var again = await client.SendAsync(Get("ghk_another_guess"));
        Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        Assert.Equal(SecurityApp.KeyFailureLimit, await FailuresAsync(address));

        // Another address is not affected, and a request without a key is not a key request.
        using var other = From(NewAddress());
        using var fine = await other.SendAsync(Get(tenant.ApiKey));
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task known_keys_do_not_count_and_revoked_ones_are_not_guesses()
    {
        var tenant = await app.CreateTenantAsync();
        var revoked = await app.Service<ApiKeyStore>().CreateAsync(tenant.Id, Scopes.All, "old");
        await using (var cmd = app.DataSource.CreateCommand("update api_keys set revoked_at = now() where id = $1"))
        {
            cmd.Parameters.Add(new() { Value = revoked.Info.Id });
            await cmd.ExecuteNonQueryAsync();
        }
        var address = NewAddress();
        using var client = From(address);
        for (var i = 0; i < SecurityApp.KeyFailureLimit + 2; i++)
        {
            using var ok = await client.SendAsync(Get(tenant.ApiKey));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            using var old = await client.SendAsync(Get(revoked.RawKey));
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }
        Assert.Equal(0, await FailuresAsync(address));
    }

    [Fact]
    public async Task the_dashboard_sign_in_counts_unknown_keys_too()
    {
        var tenant = await app.CreateTenantAsync();
        var address = NewAddress();
        using var client = From(address);
        for (var i = 0; i < SecurityApp.KeyFailureLimit; i++)
        {
            using var wrong = await client.PostAsJsonAsync("/dashboard/sign-in", new { api_key = $"ghk_guess{i}" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var refused = await client.PostAsJsonAsync("/dashboard/sign-in", new { api_key = tenant.ApiKey });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));
        Assert.False(refused.Headers.Contains("Set-Cookie"));
        // The same count stops x-api-key requests from that address.
        using var api = await client.SendAsync(Get(tenant.ApiKey));
        Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
    }

    [Fact]
    public async Task guesses_on_one_node_count_on_another_because_the_count_lives_in_postgresql()
    {
        await using var other = await AlbaHost.For<Program>(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("ConnectionStrings:GrowHalo", app.ConnectionString);
            b.UseSetting("GROWHALO_SECRET_KEY", app.Service<IConfiguration>()["GROWHALO_SECRET_KEY"]);
            b.UseSetting("ApiKeys:MaxFailuresPerAddress", SecurityApp.KeyFailureLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        var tenant = await app.CreateTenantAsync();
        var address = NewAddress();
        using var first = From(address);
        using var second = new HttpClient(other.Server.CreateHandler(c => c.Connection.RemoteIpAddress = address)) { BaseAddress = new Uri("http://growhalo.test/") };
        // Half the guesses on each node: together they reach the limit, and both nodes refuse.
        for (var i = 0; i < SecurityApp.KeyFailureLimit; i++)
        {
            using var wrong = await (i % 2 == 0 ? first : second).SendAsync(Get($"ghk_guess{i}"));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var refusedHere = await first.SendAsync(Get(tenant.ApiKey));
        using var refusedThere = await second.SendAsync(Get(tenant.ApiKey));
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedHere.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedThere.StatusCode);
    }

    private async Task<long> FailuresAsync(IPAddress address) =>
        await app.CountAsync("select coalesce(sum(failures), 0) from login_attempts where key = $1", "api-key-address:" + address);
}

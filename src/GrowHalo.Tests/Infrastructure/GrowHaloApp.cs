using System.Net.Http.Json;
using GrowHalo.Platform.Events.Projections;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GrowHalo.Tests.Infrastructure;

/// <summary>
/// The real GrowHalo HTTP pipeline and projection daemon over a fresh database of its own.
/// Use as a class fixture: <c>IClassFixture&lt;GrowHaloApp&gt;</c>.
/// </summary>
public class GrowHaloApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";
    private readonly string _secretKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public virtual async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync();
        _ = Server; // start the host (and its daemon) now
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:GrowHalo", ConnectionString);
        // A throw-away master key for connection secrets, so tests never create a key file in the machine's data folder.
        builder.UseSetting("GROWHALO_SECRET_KEY", _secretKey);
        builder.UseSetting("Projections:SlowPollingTime", "00:00:00.500");
        builder.UseSetting("Projections:LeadershipPollingTime", "00:00:00.200");
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    public NpgsqlDataSource DataSource => Service<NpgsqlDataSource>();

    /// <summary>A new tenant and an HTTP client carrying a key with the given scopes.</summary>
    public async Task<TenantClient> CreateTenantAsync(string name = "Acme", string timeZone = "UTC", string currency = "USD",
        params string[] scopes)
    {
        var tenant = await Service<TenantStore>().CreateAsync($"{name} {Guid.NewGuid():N}"[..(name.Length + 9)], null, timeZone, currency);
        var key = await Service<ApiKeyStore>().CreateAsync(tenant.Id, scopes.Length == 0 ? Scopes.All : scopes, "test");
        return new TenantClient(tenant, key.RawKey, ClientWithKey(key.RawKey));
    }

    public HttpClient ClientWithKey(string? rawKey)
    {
        var client = CreateClient();
        if (rawKey is not null) client.DefaultRequestHeaders.Add("x-api-key", rawKey);
        return client;
    }

    /// <summary>Waits until the daemon has applied every committed event (projections are eventually consistent).</summary>
    public Task WaitForProjectionsAsync(int seconds = 30) =>
        Service<ProjectionStatusQuery>().WaitForNonStaleAsync(TimeSpan.FromSeconds(seconds));

    public new virtual Task DisposeAsync() => base.DisposeAsync().AsTask();
}

public sealed record TenantClient(Tenant Tenant, string ApiKey, HttpClient Http)
{
    public string Id => Tenant.Id;

    public async Task<T> GetJsonAsync<T>(string url)
    {
        var response = await Http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} → {(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize<T>(body, Json.Options)!;
    }

    public Task<HttpResponseMessage> PostJsonAsync<T>(string url, T body) => Http.PostAsJsonAsync(url, body, Json.Options);
}

public static class Json
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
    };
}

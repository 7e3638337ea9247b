using System.Net.Http.Json;
using Alba;
using GrowHalo.Platform.Tenancy;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GrowHalo.Tests.Infrastructure;

/// <summary>
/// The real GrowHalo HTTP pipeline (Wolverine's endpoints) and projection daemon over a fresh database of its own,
/// hosted by Alba (<see cref="AlbaHost"/>): <c>Host.Scenario(...)</c> sends a request through the whole pipeline and
/// checks its answer; <see cref="CreateClient()"/> gives an HttpClient over the same in-memory server for tests that
/// need one (cookies, streams). Use as a class fixture: <c>IClassFixture&lt;GrowHaloApp&gt;</c>.
/// </summary>
public class GrowHaloApp : IAsyncLifetime
{
    public string ConnectionString { get; protected set; } = "";
    private readonly string _secretKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private IAlbaHost? _host;

    public IAlbaHost Host => _host ?? throw new InvalidOperationException("The host starts in InitializeAsync.");
    public IServiceProvider Services => Host.Services;
    public TestServer Server => Host.Server;

    public virtual async Task InitializeAsync()
    {
        ConnectionString = await CreateDatabaseAsync();
        await StartHostAsync();
    }

    /// <summary>Starts the host (and its daemon) over <see cref="ConnectionString"/>.</summary>
    public async Task StartHostAsync()
    {
        _host = await AlbaHost.For<Program>(ConfigureWebHost);
    }

    /// <summary>Stops the host, as an operator stops a server (its connections close); <see cref="StartHostAsync"/> starts a new one.</summary>
    public async Task StopHostAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        _host = null;
    }

    /// <summary>The fresh, migrated database the host runs on: one on the shared test server unless a fixture says otherwise.</summary>
    protected virtual Task<string> CreateDatabaseAsync() => TestPostgres.CreateDatabaseAsync();

    /// <summary>An HttpClient over the in-memory server, following redirects and keeping cookies like a browser.</summary>
    public HttpClient CreateClient() => CreateClient(new ClientOptions());

    public HttpClient CreateClient(ClientOptions options)
    {
        var handler = Server.CreateHandler();
        if (options.HandleCookies) handler = new CookieHandler { InnerHandler = handler };
        if (options.AllowAutoRedirect) handler = new RedirectHandler(options.MaxRedirects) { InnerHandler = handler };
        return new HttpClient(handler) { BaseAddress = Server.BaseAddress };
    }

    protected virtual void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:GrowHalo", ConnectionString);
        // A throw-away master key for connection secrets, so tests never create a key file in the machine's data folder.
        builder.UseSetting("GROWHALO_SECRET_KEY", _secretKey);
        builder.UseSetting("Projections:SlowPollingTime", "00:00:00.500");
        builder.UseSetting("Projections:LeadershipPollingTime", "00:00:00.200");
        // The simulator's stand-in APIs run on 127.0.0.1; real deployments leave this off (Platform/Security tests do).
        builder.UseSetting("Connections:AllowStandInHosts", AllowStandInHosts ? "true" : "false");
        // In-memory requests share one client address; tests of wrong keys must not lock each other out (SecurityApp sets a small limit).
        builder.UseSetting("ApiKeys:MaxFailuresPerAddress", "1000000");
    }

    /// <summary>Whether connections may point at the stand-ins (any host); a fixture for the production rules says no.</summary>
    protected virtual bool AllowStandInHosts => true;

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    public NpgsqlDataSource DataSource => Service<NpgsqlDataSource>();

    /// <summary>A new tenant and an HTTP client carrying a key with the given scopes.</summary>
    public async Task<TenantClient> CreateTenantAsync(string name = "Acme", string timeZone = "UTC", string currency = "USD",
        params string[] scopes)
    {
        var tenant = await Service<TenantStore>().CreateAsync($"{name} {Guid.NewGuid():N}"[..(name.Length + 9)], null, timeZone, currency);
        var key = await Service<ApiKeyStore>().CreateAsync(tenant.Id, scopes.Length == 0 ? Scopes.All : scopes, "test");
        return new TenantClient(tenant, key.RawKey, ClientWithKey(key.RawKey), Host);
    }

    public HttpClient ClientWithKey(string? rawKey)
    {
        var client = CreateClient();
        if (rawKey is not null) client.DefaultRequestHeaders.Add("x-api-key", rawKey);
        return client;
    }

    /// <summary>Waits until Marten's daemon has applied every committed event (projections are eventually consistent).</summary>
    public async Task WaitForProjectionsAsync(int seconds = 30)
    {
        // In every data database (Marten's own wait knows one).
        await Service<GrowHalo.Platform.Events.Projections.ProjectionStatusQuery>().WaitForNonStaleAsync(TimeSpan.FromSeconds(seconds));
    }

    public virtual async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}

/// <summary>A tenant and its key: Alba scenarios sent with the key, or an HttpClient carrying it.</summary>
public sealed record TenantClient(Tenant Tenant, string ApiKey, HttpClient Http, IAlbaHost Host)
{
    public string Id => Tenant.Id;

    /// <summary>An Alba scenario with this tenant's x-api-key; it expects 200 unless the scenario says otherwise.</summary>
    public Task<IScenarioResult> Scenario(Action<Scenario> configure) => Host.Scenario(s =>
    {
        s.WithRequestHeader(ApiKeyAuthentication.Header, ApiKey);
        configure(s);
    });

    /// <summary>GET <paramref name="url"/>, which must answer 200, read as <typeparamref name="T"/>.</summary>
    public async Task<T> GetJsonAsync<T>(string url)
    {
        var result = await Scenario(s => s.Get.Url(url));
        return System.Text.Json.JsonSerializer.Deserialize<T>(await result.ReadAsTextAsync(), Json.Options)!;
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

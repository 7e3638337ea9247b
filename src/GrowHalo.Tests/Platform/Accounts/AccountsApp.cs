using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Platform.Tenancy;
using Microsoft.AspNetCore.Hosting;

namespace GrowHalo.Tests.Platform.Accounts;

/// <summary>The real app with a movable clock and captured logs (<see cref="TenancyApp"/>), and browsers for people.</summary>
public sealed class AccountsApp : TenancyApp
{
    public const string Password = "plum-harbour-violin-42";
    private int _addresses;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Accounts:MaxFailuresPerAddress", "8");
        builder.UseSetting("Dashboard:LiveHeartbeat", "00:00:00.500"); // so an ended session's live stream closes quickly
    }

    /// <summary>A browser of its own (cookies kept, sent back) from its own client address, so throttles of one test leave others alone.</summary>
    public Person Browser(string? address = null)
    {
        var ip = IPAddress.Parse(address ?? $"10.{Interlocked.Increment(ref _addresses) / 250 % 250}.{_addresses % 250}.7");
        var handler = new CookieHandler { InnerHandler = Server.CreateHandler(c => c.Connection.RemoteIpAddress = ip) };
        return new Person(new HttpClient(handler) { BaseAddress = Server.BaseAddress }, handler);
    }

    public static string NewEmail(string name = "ann") => $"{name}.{Guid.NewGuid():N}@example.com";

    /// <summary>A new person who signed up with a store of their own, signed in in their browser.</summary>
    public async Task<(Person Person, string Email, JsonElement Account)> SignUpAsync(string store = "Acme Coffee", string? email = null)
    {
        var person = Browser();
        email ??= NewEmail();
        var response = await person.PostAsync("/api/auth/signup", new { email, password = Password, store_name = store });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (person, email, await response.Content.ReadFromJsonAsync<JsonElement>());
    }
}

/// <summary>One person's browser: an HttpClient that keeps cookies.</summary>
public sealed class Person(HttpClient http, CookieHandler cookies)
{
    public HttpClient Http { get; } = http;

    public Task<HttpResponseMessage> PostAsync(string url, object? body = null) =>
        body is null ? Http.PostAsync(url, null) : Http.PostAsJsonAsync(url, body);

    public Task<HttpResponseMessage> GetAsync(string url) => Http.GetAsync(url);

    public Task<HttpResponseMessage> DeleteAsync(string url) => Http.DeleteAsync(url);

    /// <summary>The session cookie's value as the browser holds it (null when none).</summary>
    public string? Cookie(string name = "growhalo_user") => cookies.Get(Http.BaseAddress!, name);

    public async Task<JsonElement> JsonAsync(string url, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = await GetAsync(url);
        Assert.Equal(status, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

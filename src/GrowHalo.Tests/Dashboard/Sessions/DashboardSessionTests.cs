using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alba;
using GrowHalo.Dashboard.Sessions;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Dashboard.Sessions;

/// <summary>
/// Dashboard sign-in and sessions. A single request (a sign-in and what it answers, a session cookie replayed by hand)
/// is an Alba scenario; a browser session (the client keeps the cookie it was given and sends it back by itself) is an
/// HttpClient with a cookie store, which a scenario does not have.
/// </summary>
public sealed class DashboardSessionTests(GrowHaloApp app) : IClassFixture<GrowHaloApp>
{
    /// <summary>POST /dashboard/sign-in with <paramref name="key"/> as a scenario that must answer <paramref name="status"/>.</summary>
    private Task<IScenarioResult> SignInAsync(string key, HttpStatusCode status = HttpStatusCode.OK, Action<Scenario>? expect = null) =>
        app.Host.Scenario(s =>
        {
            s.Post.Json(new { api_key = key }).ToUrl("/dashboard/sign-in");
            s.StatusCodeShouldBe(status);
            expect?.Invoke(s);
        });

    private HttpClient Browser(bool followRedirects = true) =>
        app.CreateClient(new ClientOptions(AllowAutoRedirect: followRedirects, HandleCookies: true));

    private static Task<HttpResponseMessage> SignIn(HttpClient browser, string key) =>
        browser.PostAsJsonAsync("/dashboard/sign-in", new { api_key = key });

    private static async Task<string?> TenantSeenBy(HttpClient browser)
    {
        var response = await browser.GetAsync("/dashboard/session");
        if (response.StatusCode == HttpStatusCode.Unauthorized) return null;
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tenant").GetProperty("id").GetString();
    }

    [Fact]
    public async Task signing_in_sets_an_http_only_same_site_strict_session_cookie_that_never_holds_the_key()
    {
        var brand = await app.CreateTenantAsync(scopes: [Scopes.Read]);
        var response = await SignInAsync(brand.ApiKey);

        var cookie = Assert.Single(response.Context.Response.Headers.SetCookie.ToArray())!;
        Assert.StartsWith(SessionCookie.Name + "=", cookie);
        Assert.DoesNotContain(brand.ApiKey, cookie);
        var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/", attributes);
        Assert.DoesNotContain("secure", attributes); // plain http here; a request over https gets Secure
        Assert.DoesNotContain(attributes, a => a.StartsWith("expires=")); // a browser-session cookie
        var body = await response.ReadAsJsonAsync<JsonElement>();
        Assert.Equal(brand.Id, body.GetProperty("tenant").GetProperty("id").GetString());
        Assert.False(body.GetProperty("has_data").GetBoolean());
        Assert.DoesNotContain(brand.ApiKey, body.GetRawText());
    }

    [Fact]
    public async Task the_cookie_alone_reads_as_the_keys_tenant()
    {
        var brand = await app.CreateTenantAsync(scopes: [Scopes.Read]);
        var browser = Browser();
        Assert.Null(await TenantSeenBy(browser));

        (await SignIn(browser, brand.ApiKey)).EnsureSuccessStatusCode();

        Assert.Equal(brand.Id, await TenantSeenBy(browser));
    }

    [Theory]
    [InlineData("ghk_this-key-does-not-exist", 401, "not recognised")]
    [InlineData("", 400, "api_key")]
    public async Task a_key_that_cannot_sign_in_gets_problem_details_that_say_what_to_do(string key, int status, string hint)
    {
        var response = await SignInAsync(key, (HttpStatusCode)status, s =>
        {
            s.ContentTypeShouldBe("application/problem+json");
            s.Header("Set-Cookie").ShouldNotBeWritten();
        });

        Assert.Contains(hint, (await response.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task a_key_without_the_read_scope_cannot_open_the_dashboard()
    {
        var ingestOnly = await app.CreateTenantAsync(scopes: [Scopes.Ingest]);
        var response = await SignInAsync(ingestOnly.ApiKey, HttpStatusCode.Forbidden);

        Assert.Contains("'read' scope", (await response.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task revoking_the_key_ends_its_dashboard_sessions_at_once()
    {
        var brand = await app.CreateTenantAsync(scopes: [Scopes.Read]);
        var browser = Browser();
        (await SignIn(browser, brand.ApiKey)).EnsureSuccessStatusCode();
        var keyId = (await app.Service<ApiKeyStore>().ListAsync(brand.Id)).Single().Id;

        await app.Service<ApiKeyStore>().RevokeAsync(brand.Id, keyId);

        Assert.Null(await TenantSeenBy(browser));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/dashboard/live")).StatusCode);
    }

    [Fact]
    public async Task signing_out_ends_the_session_on_the_server_not_just_in_the_browser()
    {
        var brand = await app.CreateTenantAsync(scopes: [Scopes.Read]);
        var signIn = await SignInAsync(brand.ApiKey);
        var cookie = signIn.Context.Response.Headers.SetCookie.Single()!.Split(';')[0];
        // The cookie replayed by hand, as someone who copied it would: the server must refuse it once signed out.
        Task<IScenarioResult> Replay(Action<Scenario> send) => app.Host.Scenario(s =>
        {
            s.WithRequestHeader("Cookie", cookie);
            send(s);
        });
        await Replay(s => s.Get.Url("/dashboard/session")); // 200

        var signOut = await Replay(s =>
        {
            s.Post.Url("/dashboard/sign-out");
            s.StatusCodeShouldBe(HttpStatusCode.NoContent);
        });

        Assert.Contains("expires=", signOut.Context.Response.Headers.SetCookie.Single(), StringComparison.OrdinalIgnoreCase);
        await Replay(s =>
        {
            s.Get.Url("/dashboard/session");
            s.StatusCodeShouldBe(HttpStatusCode.Unauthorized);
        });
    }

    [Fact]
    public async Task an_api_key_header_wins_over_the_cookie_so_two_tenants_never_mix()
    {
        var a = await app.CreateTenantAsync("Alpha", scopes: [Scopes.Read]);
        var b = await app.CreateTenantAsync("Beta", scopes: [Scopes.Read]);
        var browser = Browser();
        (await SignIn(browser, a.ApiKey)).EnsureSuccessStatusCode();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/session");
        request.Headers.Add(ApiKeyAuthentication.Header, b.ApiKey);
        var response = await browser.SendAsync(request);

        var tenant = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tenant").GetProperty("id").GetString();
        Assert.Equal(b.Id, tenant);
        Assert.Equal(a.Id, await TenantSeenBy(browser));
    }

    [Fact]
    public async Task a_sign_in_link_with_a_key_sets_the_cookie_and_redirects_to_the_dashboard_without_the_key()
    {
        var brand = await app.CreateTenantAsync(scopes: [Scopes.Read]);
        var browser = Browser(followRedirects: false);

        var response = await browser.GetAsync($"/dashboard/sign-in?key={Uri.EscapeDataString(brand.ApiKey)}");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/dashboard", response.Headers.Location?.OriginalString);
        Assert.Equal(brand.Id, await TenantSeenBy(browser));
    }

    [Fact]
    public async Task a_sign_in_link_with_a_bad_key_redirects_with_a_reason_code_and_no_cookie()
    {
        // A scenario does not follow redirects: the answer is the redirect itself.
        await app.Host.Scenario(s =>
        {
            s.Get.Url("/dashboard/sign-in?key=ghk_nope");
            s.StatusCodeShouldBe(HttpStatusCode.SeeOther);
            s.Header("Location").SingleValueShouldEqual("/dashboard?sign_in_error=unknown_key");
            s.Header("Set-Cookie").ShouldNotBeWritten();
        });
    }

    [Fact]
    public async Task a_one_time_sign_in_link_works_once()
    {
        var brand = await app.CreateTenantAsync(scopes: [Scopes.Read]);
        var key = (await app.Service<ApiKeyStore>().ListAsync(brand.Id)).Single();
        var link = await app.Service<DashboardSessionStore>().CreateSignInLinkAsync(key);

        var first = Browser(followRedirects: false);
        var used = await first.GetAsync(link);
        var again = await Browser(followRedirects: false).GetAsync(link);

        Assert.Equal("/dashboard", used.Headers.Location?.OriginalString);
        Assert.Equal(brand.Id, await TenantSeenBy(first));
        Assert.Equal("/dashboard?sign_in_error=expired_link", again.Headers.Location?.OriginalString);
    }
}

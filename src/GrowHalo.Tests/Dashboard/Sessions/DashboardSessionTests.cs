using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GrowHalo.Dashboard.Sessions;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Dashboard.Sessions;

public sealed class DashboardSessionTests(GrowHaloApp app) : IClassFixture<GrowHaloApp>
{
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
        var response = await SignIn(Browser(), brand.ApiKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(SessionCookie.Name + "=", cookie);
        Assert.DoesNotContain(brand.ApiKey, cookie);
        var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/", attributes);
        Assert.DoesNotContain("secure", attributes); // plain http here; a request over https gets Secure
        Assert.DoesNotContain(attributes, a => a.StartsWith("expires=")); // a browser-session cookie
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
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
        var response = await SignIn(Browser(), key);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(hint, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task a_key_without_the_read_scope_cannot_open_the_dashboard()
    {
        var ingestOnly = await app.CreateTenantAsync(scopes: [Scopes.Ingest]);
        var response = await SignIn(Browser(), ingestOnly.ApiKey);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("'read' scope", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
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
        var signIn = await SignIn(Browser(), brand.ApiKey);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var replay = app.CreateClient(new ClientOptions(HandleCookies: false));
        replay.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await replay.GetAsync("/dashboard/session")).StatusCode);

        var signOut = await replay.PostAsync("/dashboard/sign-out", null);

        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Contains("expires=", signOut.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.GetAsync("/dashboard/session")).StatusCode);
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
        var response = await Browser(followRedirects: false).GetAsync("/dashboard/sign-in?key=ghk_nope");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/dashboard?sign_in_error=unknown_key", response.Headers.Location?.OriginalString);
        Assert.False(response.Headers.Contains("Set-Cookie"));
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

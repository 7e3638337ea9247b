using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Tests.Platform.Accounts;

/// <summary>Signing up, signing in and out, the session cookie and what a signed-in person may do with it.</summary>
public sealed class SignUpAndLoginTests(AccountsApp app) : IClassFixture<AccountsApp>
{
    [Fact]
    public async Task sign_up_creates_the_store_and_its_owner_and_signs_them_in_with_a_strict_http_only_cookie()
    {
        var person = app.Browser();
        var email = AccountsApp.NewEmail("Owner");
        var response = await person.PostAsync("/api/auth/signup",
            new { email = "  " + email.ToUpperInvariant() + " ", password = AccountsApp.Password, store_name = "Fjord Outfitters", time_zone = "Europe/Oslo", currency = "nok" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("growhalo_user=", cookie);
        var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.DoesNotContain("secure", attributes); // plain http here; HTTPS gets Secure
        Assert.DoesNotContain(AccountsApp.Password, cookie);
        var account = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(email.ToLowerInvariant(), account.GetProperty("user").Str("email"));
        var current = account.GetProperty("current_tenant");
        Assert.Equal("owner", current.Str("role"));
        Assert.Equal("Fjord Outfitters", current.Str("name"));
        Assert.Equal("fjord-outfitters", current.Str("slug"));
        Assert.Equal(current.Str("id"), Assert.Single(account.GetProperty("tenants").EnumerateArray()).Str("id"));

        var me = await person.JsonAsync("/api/auth/me");
        Assert.Equal(account.GetRawText(), me.GetRawText());
        var tenant = await person.JsonAsync("/api/v1/tenant"); // an existing endpoint, with the cookie alone
        Assert.Equal("Fjord Outfitters", tenant.Str("name"));
        Assert.Equal("Europe/Oslo", tenant.Str("time_zone"));
        Assert.Equal("NOK", tenant.Str("currency"));
    }

    [Fact]
    public async Task sign_up_names_each_unusable_field_and_stores_nothing()
    {
        var person = app.Browser();
        var response = await person.PostAsync("/api/auth/signup", new { email = "not-an-address", password = "short", store_name = "", time_zone = "Mars/Base" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.Equal(["email", "password", "store_name"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Contains("at least 12", errors.GetProperty("password")[0].GetString());

        response = await person.PostAsync("/api/auth/signup", new { email = AccountsApp.NewEmail(), password = "Password1234", store_name = "Common Co", time_zone = "Mars/Base", currency = "XYZ" });
        errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["currency", "password", "time_zone"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Contains("most common", errors.GetProperty("password")[0].GetString());
        Assert.Equal(0L, await CountAsync("select count(*) from tenants where name = 'Common Co'"));
        Assert.Null(person.Cookie());
    }

    [Fact]
    public async Task signing_up_again_with_the_same_email_in_other_case_is_a_conflict_that_creates_no_store()
    {
        var (_, email, _) = await app.SignUpAsync("First Store");
        var again = await app.Browser().PostAsync("/api/auth/signup", new { email = email.ToUpperInvariant(), password = AccountsApp.Password, store_name = "Second Store" });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Contains("exists already", (await again.Content.ReadFromJsonAsync<JsonElement>()).Str("detail"));
        Assert.Equal(0L, await CountAsync("select count(*) from tenants where name = 'Second Store'"));
    }

    [Fact]
    public async Task two_stores_of_the_same_name_get_different_slugs()
    {
        var (_, _, first) = await app.SignUpAsync("Twin Name");
        var (_, _, second) = await app.SignUpAsync("Twin Name");
        var a = first.GetProperty("current_tenant").Str("slug");
        var b = second.GetProperty("current_tenant").Str("slug");
        Assert.NotEqual(a, b);
        Assert.StartsWith("twin-name", b);
    }

    [Fact]
    public async Task login_accepts_the_email_in_any_case_and_lands_on_the_first_store()
    {
        var (_, email, account) = await app.SignUpAsync("Login Store");
        var browser = app.Browser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/auth/me")).StatusCode);

        var response = await browser.PostAsync("/api/auth/login", new { email = $" {email.ToUpperInvariant()}", password = AccountsApp.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(account.GetProperty("current_tenant").Str("id"), body.GetProperty("current_tenant").Str("id"));
        Assert.Equal("Login Store", (await browser.JsonAsync("/api/v1/tenant")).Str("name"));
    }

    [Fact]
    public async Task an_unknown_email_and_a_wrong_password_get_the_same_answer()
    {
        var (_, email, _) = await app.SignUpAsync("Same Answer");
        var wrong = await app.Browser().PostAsync("/api/auth/login", new { email, password = "not-the-password-at-all" });
        var unknown = await app.Browser().PostAsync("/api/auth/login", new { email = AccountsApp.NewEmail("nobody"), password = "not-the-password-at-all" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        var a = await wrong.Content.ReadFromJsonAsync<JsonElement>();
        var b = await unknown.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(a.Str("title"), b.Str("title"));
        Assert.Equal(a.Str("detail"), b.Str("detail"));
        Assert.Equal("The e-mail address or the password is not right. Check both and try again.", a.Str("detail"));
        Assert.False(wrong.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task logout_revokes_the_session_so_the_same_cookie_is_refused_afterwards()
    {
        var (person, _, _) = await app.SignUpAsync("Logout Store");
        var cookie = person.Cookie()!;

        Assert.Equal(HttpStatusCode.NoContent, (await person.PostAsync("/api/auth/logout")).StatusCode);
        Assert.Null(person.Cookie());

        // The old cookie, replayed by hand (as a copy kept elsewhere would be), no longer counts.
        foreach (var url in new[] { "/api/auth/me", "/api/v1/tenant" })
        {
            var replay = await app.Host.Scenario(s =>
            {
                s.Get.Url(url);
                s.WithRequestHeader("Cookie", $"growhalo_user={cookie}");
                s.StatusCodeShouldBe(HttpStatusCode.Unauthorized);
            });
            Assert.Contains("session has ended", await replay.ProblemAsync());
        }
    }

    [Fact]
    public async Task changing_the_password_ends_every_other_session_and_keeps_this_one()
    {
        var (laptop, email, _) = await app.SignUpAsync("Password Store");
        var phone = app.Browser();
        Assert.Equal(HttpStatusCode.OK, (await phone.PostAsync("/api/auth/login", new { email, password = AccountsApp.Password })).StatusCode);

        var wrong = await laptop.PostAsync("/api/auth/password", new { current_password = "not-my-password-at-all", new_password = "a brand new passphrase" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.True((await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("current_password", out _));
        var weak = await laptop.PostAsync("/api/auth/password", new { current_password = AccountsApp.Password, new_password = "password1234" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.True((await weak.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("new_password", out _));
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/api/auth/me")).StatusCode);

        var changed = await laptop.PostAsync("/api/auth/password", new { current_password = AccountsApp.Password, new_password = "a brand new passphrase" });

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Browser().PostAsync("/api/auth/login", new { email, password = AccountsApp.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Browser().PostAsync("/api/auth/login", new { email, password = "a brand new passphrase" })).StatusCode);
    }

    [Fact]
    public async Task an_owner_may_do_what_an_admin_key_may()
    {
        var (owner, _, _) = await app.SignUpAsync("Owner Powers");
        var key = await owner.PostAsync("/api/v1/keys", new { scopes = new[] { "read" }, label = "made by a person" });
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        var patched = await owner.Http.PatchAsJsonAsync("/api/v1/tenant", new { name = "Owner Powers Renamed" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("Owner Powers Renamed", (await owner.JsonAsync("/api/auth/me")).GetProperty("current_tenant").Str("name"));
    }

    [Fact]
    public async Task a_request_with_an_api_key_is_the_keys_alone_even_with_a_session_cookie()
    {
        var (person, _, _) = await app.SignUpAsync("Cookie Brand");
        var other = await app.CreateTenantAsync("Key Brand", scopes: [Scopes.Read]);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tenant");
        request.Headers.Add("x-api-key", other.ApiKey);
        var response = await person.Http.SendAsync(request);
        Assert.Equal(other.Id, (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("id"));

        var me = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        me.Headers.Add("x-api-key", other.ApiKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await person.Http.SendAsync(me)).StatusCode);
    }

    [Fact]
    public async Task a_change_sent_from_another_site_is_refused_even_with_the_cookie()
    {
        var (person, _, _) = await app.SignUpAsync("Origin Store");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/keys") { Content = JsonContent.Create(new { scopes = new[] { "admin" } }) };
        request.Headers.Add("Origin", "https://evil.example");
        var response = await person.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("another site", (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("detail"));
    }

    [Fact]
    public async Task the_key_link_sign_in_of_the_demo_still_works_and_replaces_a_persons_session()
    {
        var (person, _, _) = await app.SignUpAsync("Link Store");
        var brand = await app.CreateTenantAsync("Linked Brand", scopes: [Scopes.Read]);
        var response = await person.GetAsync($"/dashboard/sign-in?key={brand.ApiKey}");
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/dashboard", response.Headers.Location?.OriginalString);
        Assert.Null(person.Cookie());
        var session = await person.JsonAsync("/dashboard/session");
        Assert.Equal(brand.Id, session.GetProperty("tenant").Str("id"));
        Assert.Equal(JsonValueKind.Null, session.GetProperty("user").ValueKind);
        Assert.False(session.GetProperty("can_write").GetBoolean());
    }

    [Fact]
    public async Task the_dashboard_session_of_a_person_names_them_their_role_and_what_they_may_do()
    {
        var (person, email, _) = await app.SignUpAsync("Session Store");
        var session = await person.JsonAsync("/dashboard/session");
        Assert.Equal(email, session.GetProperty("user").Str("email"));
        Assert.Equal("owner", session.GetProperty("user").Str("role"));
        Assert.True(session.GetProperty("can_write").GetBoolean());
        Assert.Equal(["admin", "ingest", "read"], session.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()).Order());
    }

    [Fact]
    public async Task the_logs_of_a_sign_up_and_logins_carry_neither_the_email_nor_the_password()
    {
        var email = AccountsApp.NewEmail("private.person");
        const string password = "my secret horse staple";
        var person = app.Browser();
        Assert.Equal(HttpStatusCode.Created, (await person.PostAsync("/api/auth/signup", new { email, password, store_name = "Quiet Store" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Browser().PostAsync("/api/auth/login", new { email, password })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Browser().PostAsync("/api/auth/login", new { email, password = password + "!" })).StatusCode);
        var token = await person.PostAsync("/api/v1/tenant/members", new { email = "invitee." + email, role = "analyst" });

        var inviteToken = (await token.Content.ReadFromJsonAsync<JsonElement>()).Str("token");
        var lines = app.Logs.Lines.ToList();
        Assert.Contains(lines, l => l.Contains("/api/auth/signup")); // the requests were logged…
        Assert.Contains(lines, l => l.Contains("/api/auth/login"));
        Assert.DoesNotContain(lines, l => l.Contains(email, StringComparison.OrdinalIgnoreCase)); // …without who or with what
        Assert.DoesNotContain(lines, l => l.Contains(email.Split('@')[0], StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, l => l.Contains("secret horse"));
        Assert.DoesNotContain(lines, l => l.Contains(inviteToken));
        Assert.DoesNotContain(lines, l => l.Contains(person.Cookie()!));
    }

    [Fact]
    public async Task a_persons_live_stream_stays_open_while_signed_in_and_ends_with_the_session()
    {
        var (person, _, _) = await app.SignUpAsync("Live Store");
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await person.Http.GetAsync("/dashboard/live", HttpCompletionOption.ResponseHeadersRead, guard.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var stream = new StreamReader(await response.Content.ReadAsStreamAsync(guard.Token));
        while (await stream.ReadLineAsync(guard.Token) is { } line && line != ": keep-alive") { } // a heartbeat: the session still holds

        await app.Service<GrowHalo.Platform.Accounts.UserSessionStore>().RevokeAsync(person.Cookie() is { } c ? SessionIdOf(c) : "", guard.Token);

        Assert.Null(await ReadToEndAsync(stream, guard.Token)); // the server closed the stream
    }

    /// <summary>The session id inside a cookie, read as the server reads it.</summary>
    private string SessionIdOf(string cookie)
    {
        var options = app.Service<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>>()
            .Get(GrowHalo.Platform.Accounts.UserAuthentication.SchemeName);
        var ticket = options.TicketDataFormat.Unprotect(Uri.UnescapeDataString(cookie))!;
        return ticket.Principal.FindFirst(GrowHalo.Platform.Accounts.UserAuthentication.SessionClaim)!.Value;
    }

    private static async Task<string?> ReadToEndAsync(StreamReader stream, CancellationToken ct)
    {
        while (await stream.ReadLineAsync(ct) is { } line)
            if (line.StartsWith("event:")) return line;
        return null;
    }

    [Fact]
    public async Task the_keys_that_sign_session_cookies_are_stored_sealed()
    {
        await app.SignUpAsync("Sealed Keys");
        await using var cmd = app.DataSource.CreateCommand("select string_agg(xml, ' ') from data_protection_keys");
        var xml = (string)(await cmd.ExecuteScalarAsync())!;
        Assert.Contains("<sealed", xml); // the key material, sealed by SecretBox
        Assert.Contains("SecretBoxXmlDecryptor", xml);
        Assert.DoesNotContain("masterKey", xml);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var cmd = app.DataSource.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

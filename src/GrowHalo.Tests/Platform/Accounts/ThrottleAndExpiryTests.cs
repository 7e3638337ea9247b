using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GrowHalo.Tests.Platform.Tenancy;

namespace GrowHalo.Tests.Platform.Accounts;

/// <summary>What time does to accounts: failed-login windows, session lifetime and invitation expiry (this class moves its clock).</summary>
public sealed class ThrottleAndExpiryTests(AccountsApp app) : IClassFixture<AccountsApp>
{
    private static Task<HttpResponseMessage> LoginAsync(Person from, string email, string password) =>
        from.PostAsync("/api/auth/login", new { email, password });

    [Fact]
    public async Task failed_logins_for_one_email_pause_it_with_429_and_retry_after_until_the_window_ends()
    {
        var (_, email, _) = await app.SignUpAsync("Throttled Store");
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(app.Browser(), email, $"wrong password number {i}")).StatusCode);

        var blocked = await LoginAsync(app.Browser(), email, AccountsApp.Password); // even the right password, from anywhere
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        var retryAfter = int.Parse(blocked.Headers.GetValues("Retry-After").Single());
        Assert.InRange(retryAfter, 15 * 60 - 30, 15 * 60);
        Assert.Equal("application/problem+json", blocked.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"Wait {retryAfter} seconds", (await blocked.Content.ReadFromJsonAsync<JsonElement>()).Str("detail"));

        app.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(app.Browser(), email, AccountsApp.Password)).StatusCode);
    }

    [Fact]
    public async Task failed_logins_from_one_address_pause_that_address_for_every_email()
    {
        var (_, email, _) = await app.SignUpAsync("Address Store");
        var attacker = app.Browser("192.0.2.66");
        for (var i = 0; i < 8; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(attacker, AccountsApp.NewEmail("guess"), "a guessed password")).StatusCode);

        var blocked = await LoginAsync(attacker, email, AccountsApp.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.True(blocked.Headers.RetryAfter is not null);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(app.Browser(), email, AccountsApp.Password)).StatusCode); // from elsewhere it works
    }

    [Fact]
    public async Task the_counters_live_in_postgresql_and_hold_no_email()
    {
        var (_, email, _) = await app.SignUpAsync("Counted Store");
        await LoginAsync(app.Browser("198.51.100.9"), email, "not the right password");
        await using var cmd = app.DataSource.CreateCommand("select string_agg(key, ' ') from login_attempts");
        var keys = (string)(await cmd.ExecuteScalarAsync())!;
        Assert.Contains("address:198.51.100.9", keys);
        Assert.DoesNotContain(email, keys);
        Assert.DoesNotContain(email.Split('@')[0], keys);
    }

    [Fact]
    public async Task a_session_ends_when_its_lifetime_is_over_and_an_invitation_when_it_expires()
    {
        var (person, _, _) = await app.SignUpAsync("Expiring Store");
        var invite = await (await person.PostAsync("/api/v1/tenant/members", new { email = AccountsApp.NewEmail(), role = "analyst" })).Content.ReadFromJsonAsync<JsonElement>();
        app.Clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(HttpStatusCode.OK, (await person.GetAsync("/api/auth/me")).StatusCode);

        app.Clock.Advance(TimeSpan.FromDays(1.1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await person.GetAsync("/api/auth/me")).StatusCode);
        var late = await app.Browser().PostAsync($"/api/auth/invites/{invite.Str("token")}/accept", new { password = AccountsApp.Password });
        Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
        Assert.Contains("expired", (await late.Content.ReadFromJsonAsync<JsonElement>()).Str("detail"));
    }
}

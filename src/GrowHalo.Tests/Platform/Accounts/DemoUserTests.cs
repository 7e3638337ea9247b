using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GrowHalo.Platform.Accounts;
using GrowHalo.Tests.Platform.Tenancy;

namespace GrowHalo.Tests.Platform.Accounts;

/// <summary>`growhalo demo` prints an e-mail and password beside the key: they sign in as the demo brand's owner.</summary>
public sealed class DemoUserTests(AccountsApp app) : IClassFixture<AccountsApp>
{
    [Fact]
    public async Task the_demo_user_signs_in_as_owner_of_the_demo_brand_and_each_run_replaces_the_password()
    {
        var brand = await app.CreateTenantAsync("Halo Demo");
        var first = await app.Service<DemoUser>().EnsureAsync(brand.Id, default);
        var earlier = app.Browser();
        var login = await earlier.PostAsync("/api/auth/login", new { email = DemoUser.Email, password = first });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var account = await login.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(brand.Id, account.GetProperty("current_tenant").Str("id"));
        Assert.Equal("owner", account.GetProperty("current_tenant").Str("role"));
        Assert.True(first.Length >= Passwords.MinLength);

        var second = await app.Service<DemoUser>().EnsureAsync(brand.Id, default);

        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.Unauthorized, (await earlier.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Browser().PostAsync("/api/auth/login", new { email = DemoUser.Email, password = first })).StatusCode);
        var again = await app.Browser().PostAsync("/api/auth/login", new { email = DemoUser.Email, password = second });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Single((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tenants").EnumerateArray());
    }
}

using System.Net;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace GrowHalo.Tests.Platform.Accounts;

/// <summary>Two GrowHalo servers over one database, as a deployment with several nodes runs.</summary>
public sealed class TwoNodesTests(AccountsApp app) : IClassFixture<AccountsApp>
{
    [Fact]
    public async Task a_session_cookie_and_the_login_throttle_are_shared_by_every_node_and_a_logout_on_one_ends_it_on_the_other()
    {
        await using var other = await AlbaHost.For<Program>(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("ConnectionStrings:GrowHalo", app.ConnectionString);
            b.UseSetting("GROWHALO_SECRET_KEY", app.Service<IConfiguration>()["GROWHALO_SECRET_KEY"]);
        });
        var (person, email, _) = await app.SignUpAsync("Two Nodes");
        var cookie = $"growhalo_user={person.Cookie()}";

        var me = await other.Scenario(s =>
        {
            s.Get.Url("/api/auth/me");
            s.WithRequestHeader("Cookie", cookie);
        });
        Assert.Contains(email, await me.ReadAsTextAsync());

        for (var i = 0; i < 5; i++) await app.Browser().PostAsync("/api/auth/login", new { email, password = $"wrong guess number {i}" });
        await other.Scenario(s =>
        {
            s.Post.Json(new { email, password = AccountsApp.Password }).ToUrl("/api/auth/login");
            s.StatusCodeShouldBe(HttpStatusCode.TooManyRequests);
        });

        await other.Scenario(s =>
        {
            s.Post.Url("/api/auth/logout");
            s.WithRequestHeader("Cookie", cookie);
            s.StatusCodeShouldBe(HttpStatusCode.NoContent);
        });
        Assert.Equal(HttpStatusCode.Unauthorized, (await person.GetAsync("/api/auth/me")).StatusCode);
    }
}

using System.Net;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Dashboard.Pages;

public sealed class DashboardPageTests(GrowHaloApp app) : IClassFixture<GrowHaloApp>
{
    [Theory]
    [InlineData("/dashboard")]
    [InlineData("/dashboard/")]
    public async Task the_page_is_served_by_the_server_itself_with_a_same_origin_only_content_policy(string path)
    {
        var response = await app.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("/dashboard/assets/app.js", html);
        Assert.DoesNotContain("https://", html); // nothing from a CDN: the page works offline
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
    }

    [Fact]
    public async Task the_bundled_script_and_styles_are_served_and_revalidated_by_etag()
    {
        var client = app.CreateClient();
        var script = await client.GetAsync("/dashboard/assets/app.js");
        var styles = await client.GetAsync("/dashboard/assets/app.css");

        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Chart", await script.Content.ReadAsStringAsync()); // Chart.js is bundled in, not fetched
        Assert.Equal("text/css", styles.Content.Headers.ContentType?.MediaType);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/dashboard/assets/app.js");
        again.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task an_unknown_asset_is_a_problem_not_the_page()
    {
        var response = await app.CreateClient().GetAsync("/dashboard/assets/nope.js");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task the_root_leads_to_the_dashboard()
    {
        var response = await app.CreateClient(new ClientOptions(AllowAutoRedirect: false)).GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/dashboard", response.Headers.Location?.OriginalString);
    }
}

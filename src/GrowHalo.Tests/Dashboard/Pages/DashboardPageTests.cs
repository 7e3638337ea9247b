using System.Net;
using System.Text.RegularExpressions;
using Alba;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Dashboard.Pages;

public sealed class DashboardPageTests(GrowHaloApp app) : IClassFixture<GrowHaloApp>
{
    /// <summary>The answer's media type is <paramref name="type"/>, whatever parameters (a charset) follow it.</summary>
    private static void MediaTypeShouldBe(Scenario s, string type) =>
        s.Header("Content-Type").SingleValueShouldMatch($"^{Regex.Escape(type)}(;|$)");

    [Theory]
    [InlineData("/dashboard")]
    [InlineData("/dashboard/")]
    public async Task the_page_is_served_by_the_server_itself_with_a_same_origin_only_content_policy(string path)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url(path); // 200 itself, not a redirect
            MediaTypeShouldBe(s, "text/html");
        });

        var html = await result.ReadAsTextAsync();
        Assert.Contains("/dashboard/assets/app.js", html);
        Assert.DoesNotContain("https://", html); // nothing from a CDN: the page works offline
        var policy = Assert.Single(result.Context.Response.Headers.ContentSecurityPolicy.ToArray());
        Assert.Contains("default-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
    }

    [Fact]
    public async Task the_bundled_script_and_styles_are_served_and_revalidated_by_etag()
    {
        var script = await app.Host.Scenario(s =>
        {
            s.Get.Url("/dashboard/assets/app.js");
            MediaTypeShouldBe(s, "text/javascript");
        });
        await app.Host.Scenario(s =>
        {
            s.Get.Url("/dashboard/assets/app.css");
            MediaTypeShouldBe(s, "text/css");
        });
        Assert.Contains("Chart", await script.ReadAsTextAsync()); // Chart.js is bundled in, not fetched

        var etag = script.Context.Response.Headers.ETag.ToString();
        Assert.False(string.IsNullOrEmpty(etag));
        await app.Host.Scenario(s =>
        {
            s.Get.Url("/dashboard/assets/app.js").Etag(etag);
            s.StatusCodeShouldBe(HttpStatusCode.NotModified);
        });
    }

    [Fact]
    public async Task an_unknown_asset_is_a_problem_not_the_page()
    {
        await app.Host.Scenario(s =>
        {
            s.Get.Url("/dashboard/assets/nope.js");
            s.StatusCodeShouldBe(HttpStatusCode.NotFound);
            MediaTypeShouldBe(s, "application/problem+json");
        });
    }

    [Fact]
    public async Task the_root_leads_to_the_dashboard()
    {
        // A scenario does not follow redirects: the answer is the redirect itself.
        await app.Host.Scenario(s =>
        {
            s.Get.Url("/");
            s.StatusCodeShouldBe(HttpStatusCode.Redirect);
            s.Header("Location").SingleValueShouldEqual("/dashboard");
        });
    }
}

using System.Net;
using System.Text.Json;
using Alba;
using Serilog.Events;

namespace GrowHalo.Tests.Platform.Http;

/// <summary>
/// A body the endpoint cannot read, a media type it does not take, or a route that does not exist is a problem-details
/// answer that says what to change, logged as a request, not as a server error.
/// </summary>
public sealed class BodyProblemTests(LoggedApp app) : IClassFixture<LoggedApp>
{
    [Fact]
    public async Task a_body_that_is_not_json_is_a_400_problem_and_no_error_in_the_log()
    {
        var admin = await app.CreateTenantAsync("Sloppy");
        var result = await admin.Scenario(s =>
        {
            s.Post.Text("{\"scopes\": [\"read\"").ToUrl("/api/v1/keys");
            s.WithRequestHeader("content-type", "application/json");
            s.StatusCodeShouldBe(HttpStatusCode.BadRequest);
            s.ContentTypeShouldBe("application/problem+json");
        });
        var problem = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.Single(await app.Service<GrowHalo.Platform.Tenancy.ApiKeyStore>().ListAsync(admin.Id)); // its own key only: nothing stored

        for (var i = 0; i < 40 && !app.Logs.Events.Any(e => e.Properties.ContainsKey("StatusCode") && e.RenderMessage().Contains("/api/v1/keys")); i++)
            await Task.Delay(50);
        Assert.Contains(app.Logs.Events, e => e.Level == LogEventLevel.Information && e.RenderMessage().Contains("/api/v1/keys") && e.RenderMessage().Contains("400"));
        Assert.DoesNotContain(app.Logs.Events, e => e.Level >= LogEventLevel.Error);
    }

    [Theory]
    [InlineData("text/plain", 415, "Content-Type: application/json")]
    public async Task a_body_of_another_media_type_is_a_problem_that_names_the_right_one(string contentType, int status, string hint)
    {
        var admin = await app.CreateTenantAsync("Typed");
        var result = await admin.Scenario(s =>
        {
            s.Post.Text("{\"scopes\": [\"read\"]}").ToUrl("/api/v1/keys");
            s.WithRequestHeader("content-type", contentType);
            s.StatusCodeShouldBe(status);
            s.ContentTypeShouldBe("application/problem+json");
        });
        Assert.Contains(hint, JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task an_unknown_route_is_a_404_problem_pointing_at_the_api_description()
    {
        var tenant = await app.CreateTenantAsync("Lost");
        var result = await tenant.Scenario(s =>
        {
            s.Get.Url("/api/v1/no-such-report");
            s.StatusCodeShouldBe(HttpStatusCode.NotFound);
            s.ContentTypeShouldBe("application/problem+json");
        });
        Assert.Contains("/openapi/v1.json", JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("detail").GetString());
    }
}

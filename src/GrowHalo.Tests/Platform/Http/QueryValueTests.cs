using System.Net;
using System.Text.Json;
using Alba;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Platform.Http;

/// <summary>A query value that cannot be used is a 400 problem that names it, never a silent default.</summary>
public sealed class QueryValueTests(GrowHaloApp app) : IClassFixture<GrowHaloApp>
{
    [Theory]
    [InlineData("/api/v1/ingest/batches?limit=abc", "limit")]
    [InlineData("/api/v1/ingest/batches?limit=", "limit")]
    [InlineData("/api/v1/ingest/batches?limit=0", "limit")]
    [InlineData("/api/v1/ingest/batches?limit=501", "limit")]
    public async Task an_unusable_query_value_is_a_400_naming_it(string url, string parameter)
    {
        var tenant = await app.CreateTenantAsync();
        var result = await tenant.Scenario(s =>
        {
            s.Get.Url(url);
            s.StatusCodeShouldBe(HttpStatusCode.BadRequest);
            s.ContentTypeShouldBe("application/problem+json");
        });
        var problem = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        Assert.Contains(parameter, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task a_usable_limit_is_honoured()
    {
        var tenant = await app.CreateTenantAsync();
        var batches = await tenant.GetJsonAsync<JsonElement>("/api/v1/ingest/batches?limit=5");
        Assert.Equal(JsonValueKind.Array, batches.GetProperty("data").ValueKind);
    }
}

using System.Net;
using Alba;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Platform.Tenancy;

/// <summary>POST /api/v1/admin/tenants: the operator (not a tenant) creates tenants, each with a first admin key.</summary>
public sealed class OperatorTenantsTests(TenancyApp app) : IClassFixture<TenancyApp>
{
    private async Task<long> TenantCountAsync()
    {
        await using var cmd = app.DataSource.CreateCommand("select count(*) from tenants");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>POST /api/v1/admin/tenants with the operator token (or <paramref name="token"/>), which must answer <paramref name="status"/>.</summary>
    private Task<IScenarioResult> PostTenantAsync(object body, HttpStatusCode status = HttpStatusCode.Created,
        string? token = TenancyApp.OperatorToken) => app.OperatorScenario(s =>
    {
        s.Post.Json(body).ToUrl("/api/v1/admin/tenants");
        s.StatusCodeShouldBe(status);
    }, token);

    [Fact]
    public async Task the_operator_creates_a_tenant_whose_first_admin_key_works()
    {
        var response = await PostTenantAsync(new { name = "Blue Heron Roasters", time_zone = "America/Los_Angeles", currency = "cad" });
        var created = await response.JsonAsync();
        var tenant = created.GetProperty("tenant");
        Assert.Equal("blue-heron-roasters", tenant.Str("slug"));
        Assert.Equal("America/Los_Angeles", tenant.Str("time_zone"));
        Assert.Equal("CAD", tenant.Str("currency"));
        Assert.True(response.NoStore());

        var key = created.GetProperty("admin_key");
        Assert.Contains("admin", key.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        var own = await app.ReadTenantAsync(key.Str("key")).JsonAsync();
        Assert.Equal(tenant.Str("id"), own.Str("id"));
        await app.ScenarioWithKey(key.Str("key"), s =>
        {
            s.Post.Json(new { scopes = new[] { "ingest" } }).ToUrl("/api/v1/keys");
            s.StatusCodeShouldBe(HttpStatusCode.Created);
        });
    }

    [Fact]
    public async Task a_new_tenant_defaults_to_utc_and_usd()
    {
        var created = await PostTenantAsync(new { name = "Plain Brand" }).JsonAsync();
        Assert.Equal("UTC", created.GetProperty("tenant").Str("time_zone"));
        Assert.Equal("USD", created.GetProperty("tenant").Str("currency"));
    }

    [Fact]
    public async Task a_missing_or_wrong_operator_token_or_an_api_key_gets_401_and_creates_nothing()
    {
        var before = await TenantCountAsync();
        var admin = await app.CreateTenantAsync("Ambitious", scopes: Scopes.Admin);
        var body = new { name = "Sneaky" };

        Assert.Contains("x-operator-token", await PostTenantAsync(body, HttpStatusCode.Unauthorized, token: null).ProblemAsync());
        Assert.Contains("does not match", await PostTenantAsync(body, HttpStatusCode.Unauthorized, TenancyApp.OperatorToken + "x").ProblemAsync());
        Assert.Contains("API keys are not accepted", await admin.Scenario(s =>
        {
            s.Post.Json(body).ToUrl("/api/v1/admin/tenants");
            s.StatusCodeShouldBe(HttpStatusCode.Unauthorized);
        }).ProblemAsync());

        Assert.Equal(before + 1, await TenantCountAsync());
    }

    [Fact]
    public async Task bad_settings_are_400_and_a_taken_slug_is_409_and_neither_stores_anything()
    {
        await PostTenantAsync(new { name = "Original", slug = "original-brand" });
        var before = await TenantCountAsync();

        var bad = await PostTenantAsync(new { name = "Bad", time_zone = "Nowhere/Land", currency = "DOLLARS", slug = "Not A Slug" }, HttpStatusCode.BadRequest).JsonAsync();
        var errors = bad.GetProperty("errors");
        Assert.True(errors.TryGetProperty("time_zone", out _) && errors.TryGetProperty("currency", out _) && errors.TryGetProperty("slug", out _));
        await PostTenantAsync(new { name = "" }, HttpStatusCode.BadRequest);
        var taken = await PostTenantAsync(new { name = "Copycat", slug = "original-brand" }, HttpStatusCode.Conflict).ProblemAsync();
        Assert.Contains("original-brand", taken);

        Assert.Equal(before, await TenantCountAsync());
        await using var keys = app.DataSource.CreateCommand("select count(*) from api_keys k left join tenants t on t.id = k.tenant_id where t.id is null");
        Assert.Equal(0L, await keys.ExecuteScalarAsync());
    }
}

/// <summary>Without a configured operator token the operator endpoint does not exist.</summary>
public sealed class OperatorEndpointWithoutTokenTests(GrowHaloApp app) : IClassFixture<GrowHaloApp>
{
    [Fact]
    public async Task without_a_configured_operator_token_the_endpoint_answers_404_whatever_is_sent()
    {
        foreach (var token in new[] { "", "guess" })
            await app.Host.Scenario(s =>
            {
                s.WithRequestHeader("x-operator-token", token);
                s.Post.Json(new { name = "Nope" }).ToUrl("/api/v1/admin/tenants");
                s.StatusCodeShouldBe(HttpStatusCode.NotFound);
            });
        Assert.Empty(await app.Service<TenantStore>().ListAsync());
    }
}

using System.Net;
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

    [Fact]
    public async Task the_operator_creates_a_tenant_whose_first_admin_key_works()
    {
        var response = await app.OperatorClient().PostJsonAsync("/api/v1/admin/tenants",
            new { name = "Blue Heron Roasters", time_zone = "America/Los_Angeles", currency = "cad" });
        var created = await response.JsonAsync(HttpStatusCode.Created);
        var tenant = created.GetProperty("tenant");
        Assert.Equal("blue-heron-roasters", tenant.Str("slug"));
        Assert.Equal("America/Los_Angeles", tenant.Str("time_zone"));
        Assert.Equal("CAD", tenant.Str("currency"));
        Assert.True(response.Headers.CacheControl?.NoStore);

        var key = created.GetProperty("admin_key");
        Assert.Contains("admin", key.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        var admin = app.ClientWithKey(key.Str("key"));
        var own = await (await admin.GetAsync("/api/v1/tenant")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(tenant.Str("id"), own.Str("id"));
        await (await admin.PostJsonAsync("/api/v1/keys", new { scopes = new[] { "ingest" } })).JsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task a_new_tenant_defaults_to_utc_and_usd()
    {
        var created = await (await app.OperatorClient().PostJsonAsync("/api/v1/admin/tenants", new { name = "Plain Brand" })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("UTC", created.GetProperty("tenant").Str("time_zone"));
        Assert.Equal("USD", created.GetProperty("tenant").Str("currency"));
    }

    [Fact]
    public async Task a_missing_or_wrong_operator_token_or_an_api_key_gets_401_and_creates_nothing()
    {
        var before = await TenantCountAsync();
        var admin = await app.CreateTenantAsync("Ambitious", scopes: Scopes.Admin);
        var body = new { name = "Sneaky" };

        Assert.Contains("x-operator-token", await (await app.OperatorClient(null).PostJsonAsync("/api/v1/admin/tenants", body)).ProblemAsync(HttpStatusCode.Unauthorized));
        Assert.Contains("does not match", await (await app.OperatorClient(TenancyApp.OperatorToken + "x").PostJsonAsync("/api/v1/admin/tenants", body)).ProblemAsync(HttpStatusCode.Unauthorized));
        Assert.Contains("API keys are not accepted", await (await admin.Http.PostJsonAsync("/api/v1/admin/tenants", body)).ProblemAsync(HttpStatusCode.Unauthorized));

        Assert.Equal(before + 1, await TenantCountAsync());
    }

    [Fact]
    public async Task bad_settings_are_400_and_a_taken_slug_is_409_and_neither_stores_anything()
    {
        var op = app.OperatorClient();
        await (await op.PostJsonAsync("/api/v1/admin/tenants", new { name = "Original", slug = "original-brand" })).JsonAsync(HttpStatusCode.Created);
        var before = await TenantCountAsync();

        var bad = await (await op.PostJsonAsync("/api/v1/admin/tenants", new { name = "Bad", time_zone = "Nowhere/Land", currency = "DOLLARS", slug = "Not A Slug" })).JsonAsync(HttpStatusCode.BadRequest);
        var errors = bad.GetProperty("errors");
        Assert.True(errors.TryGetProperty("time_zone", out _) && errors.TryGetProperty("currency", out _) && errors.TryGetProperty("slug", out _));
        await (await op.PostJsonAsync("/api/v1/admin/tenants", new { name = "" })).JsonAsync(HttpStatusCode.BadRequest);
        var taken = await (await op.PostJsonAsync("/api/v1/admin/tenants", new { name = "Copycat", slug = "original-brand" })).ProblemAsync(HttpStatusCode.Conflict);
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
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("x-operator-token", "");
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostJsonAsync("/api/v1/admin/tenants", new { name = "Nope" })).StatusCode);
        var guessing = app.CreateClient();
        guessing.DefaultRequestHeaders.Add("x-operator-token", "guess");
        Assert.Equal(HttpStatusCode.NotFound, (await guessing.PostJsonAsync("/api/v1/admin/tenants", new { name = "Nope" })).StatusCode);
        Assert.Empty(await app.Service<TenantStore>().ListAsync());
    }
}

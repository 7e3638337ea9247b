using System.Net;
using System.Text.Json;
using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Tests.Platform.Tenancy;

/// <summary>A key of tenant A can neither read, list nor change anything of tenant B.</summary>
public sealed class TenantIsolationTests(TenancyApp app) : IClassFixture<TenancyApp>
{
    private static async Task<List<string>> KeyIdsAsync(HttpClient admin) =>
        JsonDocument.Parse(await admin.GetStringAsync("/api/v1/keys")).RootElement.GetProperty("data")
            .EnumerateArray().Select(k => k.Str("id")).ToList();

    [Fact]
    public async Task a_key_lists_only_its_own_tenants_keys()
    {
        var a = await app.CreateTenantAsync("Alpha", scopes: Scopes.Admin);
        var b = await app.CreateTenantAsync("Bravo", scopes: Scopes.Admin);
        await a.Http.PostJsonAsync("/api/v1/keys", new { scopes = new[] { "read" } });
        await b.Http.PostJsonAsync("/api/v1/keys", new { scopes = new[] { "ingest" } });

        var aKeys = await KeyIdsAsync(a.Http);
        var bKeys = await KeyIdsAsync(b.Http);

        Assert.Equal(2, aKeys.Count);
        Assert.Equal(2, bKeys.Count);
        Assert.Empty(aKeys.Intersect(bKeys));
        Assert.Equal((await app.Service<ApiKeyStore>().ListAsync(a.Id)).Select(k => k.Id.ToString()).Order(), aKeys.Order());
    }

    [Fact]
    public async Task another_tenants_key_id_is_404_like_a_made_up_id_and_the_key_keeps_working()
    {
        var a = await app.CreateTenantAsync("Attacker", scopes: Scopes.Admin);
        var b = await app.CreateTenantAsync("Victim", scopes: Scopes.Admin);
        var victimKey = (await KeyIdsAsync(b.Http)).Single();
        var madeUp = Guid.NewGuid().ToString();

        var revoke = await (await a.Http.DeleteAsync($"/api/v1/keys/{victimKey}")).ProblemAsync(HttpStatusCode.NotFound);
        var read = await (await a.Http.GetAsync($"/api/v1/keys/{victimKey}")).ProblemAsync(HttpStatusCode.NotFound);
        var revokeMadeUp = await (await a.Http.DeleteAsync($"/api/v1/keys/{madeUp}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(revokeMadeUp.Replace(madeUp, "ID"), revoke.Replace(victimKey, "ID"));
        Assert.Equal(revoke, read);

        Assert.Equal(HttpStatusCode.OK, (await b.Http.GetAsync("/api/v1/keys")).StatusCode);
        var listed = await (await b.Http.GetAsync($"/api/v1/keys/{victimKey}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("active", listed.Str("status"));
    }

    [Fact]
    public async Task tenant_settings_come_from_the_key_alone_never_from_a_parameter_header_or_body()
    {
        var a = await app.CreateTenantAsync("Alpine", scopes: Scopes.Admin);
        var b = await app.CreateTenantAsync("Boreal", scopes: Scopes.Admin);
        a.Http.DefaultRequestHeaders.Add("x-tenant-id", b.Id);

        var read = await (await a.Http.GetAsync($"/api/v1/tenant?tenant_id={b.Id}&tenant={b.Tenant.Slug}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(a.Id, read.Str("id"));

        var changed = await (await a.Http.PatchJsonAsync($"/api/v1/tenant?tenant_id={b.Id}",
            new { name = "Renamed by A", tenant_id = b.Id, id = b.Id, currency = "EUR" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(a.Id, changed.Str("id"));
        Assert.Equal("Renamed by A", changed.Str("name"));

        var bAfter = await (await b.Http.GetAsync("/api/v1/tenant")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(b.Tenant.Name, bAfter.Str("name"));
        Assert.Equal("USD", bAfter.Str("currency"));
    }

    [Fact]
    public async Task a_key_created_by_tenant_a_belongs_to_a_whatever_the_body_says()
    {
        var a = await app.CreateTenantAsync("Anchor", scopes: Scopes.Admin);
        var b = await app.CreateTenantAsync("Buoy", scopes: Scopes.Admin);

        var created = await (await a.Http.PostJsonAsync("/api/v1/keys",
            new { scopes = new[] { "admin" }, tenant_id = b.Id })).JsonAsync(HttpStatusCode.Created);
        var key = app.ClientWithKey(created.Str("key"));

        Assert.Equal(a.Id, (await (await key.GetAsync("/api/v1/tenant")).JsonAsync(HttpStatusCode.OK)).Str("id"));
        Assert.DoesNotContain(created.Str("id"), await KeyIdsAsync(b.Http));
    }
}

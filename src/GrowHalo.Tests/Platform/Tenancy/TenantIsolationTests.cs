using System.Net;
using System.Text.Json;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Tests.Infrastructure;

namespace GrowHalo.Tests.Platform.Tenancy;

/// <summary>A key of tenant A can neither read, list nor change anything of tenant B.</summary>
public sealed class TenantIsolationTests(TenancyApp app) : IClassFixture<TenancyApp>
{
    private static async Task<List<string>> KeyIdsAsync(TenantClient admin) =>
        (await admin.Scenario(s => s.Get.Url("/api/v1/keys")).JsonAsync()).GetProperty("data")
            .EnumerateArray().Select(k => k.Str("id")).ToList();

    /// <summary>A request as <paramref name="tenant"/> that must answer 404 problem details; their detail.</summary>
    private static Task<string> NotFoundAsync(TenantClient tenant, Action<Alba.Scenario> send) => tenant.Scenario(s =>
    {
        send(s);
        s.StatusCodeShouldBe(HttpStatusCode.NotFound);
    }).ProblemAsync();

    [Fact]
    public async Task a_key_lists_only_its_own_tenants_keys()
    {
        var a = await app.CreateTenantAsync("Alpha", scopes: Scopes.Admin);
        var b = await app.CreateTenantAsync("Bravo", scopes: Scopes.Admin);
        await a.CreateKeyAsync(new { scopes = new[] { "read" } });
        await b.CreateKeyAsync(new { scopes = new[] { "ingest" } });

        var aKeys = await KeyIdsAsync(a);
        var bKeys = await KeyIdsAsync(b);

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
        var victimKey = (await KeyIdsAsync(b)).Single();
        var madeUp = Guid.NewGuid().ToString();

        var revoke = await NotFoundAsync(a, s => s.Delete.Url($"/api/v1/keys/{victimKey}"));
        var read = await NotFoundAsync(a, s => s.Get.Url($"/api/v1/keys/{victimKey}"));
        var revokeMadeUp = await NotFoundAsync(a, s => s.Delete.Url($"/api/v1/keys/{madeUp}"));
        Assert.Equal(revokeMadeUp.Replace(madeUp, "ID"), revoke.Replace(victimKey, "ID"));
        Assert.Equal(revoke, read);

        await b.Scenario(s => s.Get.Url("/api/v1/keys")); // 200
        var listed = await b.Scenario(s => s.Get.Url($"/api/v1/keys/{victimKey}")).JsonAsync();
        Assert.Equal("active", listed.Str("status"));
    }

    [Fact]
    public async Task tenant_settings_come_from_the_key_alone_never_from_a_parameter_header_or_body()
    {
        var a = await app.CreateTenantAsync("Alpine", scopes: Scopes.Admin);
        var b = await app.CreateTenantAsync("Boreal", scopes: Scopes.Admin);
        var read = await a.Scenario(s =>
        {
            s.WithRequestHeader("x-tenant-id", b.Id);
            s.Get.Url($"/api/v1/tenant?tenant_id={b.Id}&tenant={b.Tenant.Slug}");
        }).JsonAsync();
        Assert.Equal(a.Id, read.Str("id"));

        var changed = await a.Scenario(s =>
        {
            s.WithRequestHeader("x-tenant-id", b.Id);
            s.Patch.Json(new { name = "Renamed by A", tenant_id = b.Id, id = b.Id, currency = "EUR" })
                .ToUrl("/api/v1/tenant").QueryString("tenant_id", b.Id); // ToUrl takes a path; the query goes here
        }).JsonAsync();
        Assert.Equal(a.Id, changed.Str("id"));
        Assert.Equal("Renamed by A", changed.Str("name"));

        var bAfter = await app.ReadTenantAsync(b.ApiKey).JsonAsync();
        Assert.Equal(b.Tenant.Name, bAfter.Str("name"));
        Assert.Equal("USD", bAfter.Str("currency"));
    }

    [Fact]
    public async Task a_key_created_by_tenant_a_belongs_to_a_whatever_the_body_says()
    {
        var a = await app.CreateTenantAsync("Anchor", scopes: Scopes.Admin);
        var b = await app.CreateTenantAsync("Buoy", scopes: Scopes.Admin);

        var created = await a.CreateKeyAsync(new { scopes = new[] { "admin" }, tenant_id = b.Id });

        Assert.Equal(a.Id, (await app.ReadTenantAsync(created.Str("key")).JsonAsync()).Str("id"));
        Assert.DoesNotContain(created.Str("id"), await KeyIdsAsync(b));
    }
}

using System.Net;
using System.Text.Json;
using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Tests.Analytics.Customers.Segments;

/// <summary>
/// Segments are created, listed, read, changed and deleted over HTTP by an admin key; a read key reads them; another
/// tenant's segment does not exist for anyone else.
/// </summary>
public sealed class SegmentCrudTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private const string Repeat = """{"all": [{"field": "orders_count", "op": "gte", "value": 2}]}""";
    private const string British = """{"any": [{"field": "country", "op": "eq", "value": "GB"}, {"field": "country", "op": "eq", "value": "US"}]}""";

    [Fact]
    public async Task a_segment_is_created_read_listed_changed_and_deleted()
    {
        var shop = await app.ShopAsync();

        var (created, location) = await shop.CreateSegmentAsync("Repeat buyers", Repeat);

        var id = created.GetProperty("id").GetString();
        Assert.Equal($"/api/v1/segments/{id}", location);
        Assert.Equal("Repeat buyers", created.GetProperty("name").GetString());
        Assert.Equal(1, created.GetProperty("member_count").GetInt64());   // Ada
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(Repeat).RootElement), JsonSerializer.Serialize(created.GetProperty("rules"))); // as sent

        var read = await shop.GetAsync(location);
        Assert.Equal("Repeat buyers", read.GetProperty("name").GetString());
        Assert.Equal(1, read.GetProperty("member_count").GetInt64());
        Assert.Equal("orders_count", read.GetProperty("rules").GetProperty("all")[0].GetProperty("field").GetString());
        Assert.True(read.GetProperty("computed_at").GetDateTimeOffset() >= MetricsApp.Now);
        Assert.Equal(JsonValueKind.String, read.GetProperty("as_of").ValueKind);

        await shop.CreateSegmentAsync("Anglo", British);
        var list = await shop.GetAsync("/api/v1/segments");
        Assert.Equal(["Anglo", "Repeat buyers"], list.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal([2L, 1L], list.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("member_count").GetInt64()));

        var changed = await shop.SendAsync("PUT", location, $$"""{"name": "Anglo buyers", "rules": {{British}}}""", HttpStatusCode.OK);
        Assert.Equal("Anglo buyers", changed.GetProperty("name").GetString());
        Assert.Equal(2, changed.GetProperty("member_count").GetInt64());
        Assert.Equal(2, (await shop.GetAsync(location)).GetProperty("member_count").GetInt64());

        await shop.SendAsync("DELETE", location, null, HttpStatusCode.NoContent);
        await shop.SendAsync("GET", location, null, HttpStatusCode.NotFound);
        await shop.SendAsync("DELETE", location, null, HttpStatusCode.NotFound);
        Assert.Single((await shop.GetAsync("/api/v1/segments")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task a_read_key_reads_segments_but_cannot_create_change_or_delete_them()
    {
        var shop = await app.ShopAsync();
        var (_, location) = await shop.CreateSegmentAsync("Repeat buyers", Repeat);
        var reader = await app.WithKeyAsync(shop, Scopes.Read);

        await reader.SendAsync("POST", "/api/v1/segments", $$"""{"name": "Mine", "rules": {{Repeat}}}""", HttpStatusCode.Forbidden);
        await reader.SendAsync("PUT", location, $$"""{"name": "Mine", "rules": {{Repeat}}}""", HttpStatusCode.Forbidden);
        await reader.SendAsync("DELETE", location, null, HttpStatusCode.Forbidden);

        Assert.Equal("Repeat buyers", (await reader.GetAsync(location)).GetProperty("name").GetString());
        Assert.Equal(["id:1"], SegmentScenarios.Keys(await reader.GetAsync(location + "/members")));
        var refreshed = await reader.SendAsync("POST", location + "/refresh", null, HttpStatusCode.OK);
        Assert.Equal(1, refreshed.GetProperty("member_count").GetInt64());
        Assert.Single((await reader.GetAsync("/api/v1/segments")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task a_name_is_used_once_per_tenant_whatever_its_case()
    {
        var shop = await app.CreateTenantAsync();
        await shop.CreateSegmentAsync("VIP", Repeat);
        var (_, other) = await shop.CreateSegmentAsync("Anglo", British);

        var taken = await shop.SendAsync("POST", "/api/v1/segments", $$"""{"name": " vip ", "rules": {{British}}}""", HttpStatusCode.Conflict);
        Assert.Contains("already has a segment named \"vip\"", taken.GetProperty("detail").GetString());
        await shop.SendAsync("PUT", other, $$"""{"name": "Vip", "rules": {{British}}}""", HttpStatusCode.Conflict);
        Assert.Equal("Anglo", (await shop.GetAsync(other)).GetProperty("name").GetString());

        var elsewhere = await app.CreateTenantAsync();
        await elsewhere.CreateSegmentAsync("VIP", Repeat);   // another tenant's names are its own
        await shop.SendAsync("PUT", other, $$"""{"name": "Anglo", "rules": {{Repeat}}}""", HttpStatusCode.OK); // keeping its own name
    }

    [Fact]
    public async Task another_tenants_segment_is_not_found_by_any_route()
    {
        var owner = await app.ShopAsync();
        var (_, location) = await owner.CreateSegmentAsync("Repeat buyers", Repeat);
        var id = location.Split('/')[^1];
        var stranger = await app.ShopAsync();

        await stranger.SendAsync("GET", location, null, HttpStatusCode.NotFound);
        await stranger.SendAsync("PUT", location, $$"""{"name": "Mine", "rules": {{British}}}""", HttpStatusCode.NotFound);
        await stranger.SendAsync("DELETE", location, null, HttpStatusCode.NotFound);
        await stranger.SendAsync("GET", location + "/members", null, HttpStatusCode.NotFound);
        await stranger.SendAsync("POST", location + "/refresh", null, HttpStatusCode.NotFound);
        var problem = await stranger.SendAsync("GET", $"/api/v1/customers?segment={id}", null, HttpStatusCode.NotFound);
        Assert.Contains("has no segment", problem.GetProperty("detail").GetString());
        Assert.Empty((await stranger.GetAsync("/api/v1/segments")).GetProperty("data").EnumerateArray());

        var own = await owner.GetAsync(location);   // untouched
        Assert.Equal("Repeat buyers", own.GetProperty("name").GetString());
        Assert.Equal(["id:1"], SegmentScenarios.Keys(await owner.GetAsync(location + "/members")));
    }
}

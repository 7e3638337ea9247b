using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace GrowHalo.Tests.Ingestion.ShopifyApp;

/// <summary>The stand-in shop's side of an install, as a real HTTP server: it knows one app, and a code works once.</summary>
public sealed class ShopifyAppStandInTests(ShopifyAppFixture app) : IClassFixture<ShopifyAppFixture>
{
    [Fact]
    public async Task the_authorize_page_refuses_an_unknown_app_and_a_code_buys_one_token_only_with_the_apps_secret()
    {
        var stranger = await app.Browser.GetAsync($"{app.StandIns.BaseUrl}/admin/oauth/authorize?client_id=someone-else&redirect_uri=https%3A%2F%2Fx.test%2Fcb&state=s");
        Assert.Equal(HttpStatusCode.BadRequest, stranger.StatusCode);

        var approved = await app.Browser.GetAsync($"{app.StandIns.BaseUrl}/admin/oauth/authorize?client_id={ShopifyAppFixture.ClientId}&scope=read_orders&redirect_uri=https%3A%2F%2Fx.test%2Fcb&state=s1");
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var back = QueryHelpers.ParseQuery(approved.Headers.Location!.Query);
        Assert.Equal(["code", "hmac", "host", "shop", "state", "timestamp"], back.Keys.Order());
        Assert.Equal(("s1", app.Shop), (back["state"].ToString(), back["shop"].ToString()));

        var url = $"{app.StandIns.BaseUrl}/admin/oauth/access_token";
        var wrongSecret = await app.Browser.PostAsJsonAsync(url, new { client_id = ShopifyAppFixture.ClientId, client_secret = "nope", code = back["code"].ToString() });
        Assert.Equal(HttpStatusCode.BadRequest, wrongSecret.StatusCode);
        var body = new { client_id = ShopifyAppFixture.ClientId, client_secret = ShopifyAppFixture.ClientSecret, code = back["code"].ToString() };
        var granted = await (await app.Browser.PostAsJsonAsync(url, body)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("shpat_", granted.GetProperty("access_token").GetString());
        Assert.Equal("read_orders", granted.GetProperty("scope").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Browser.PostAsJsonAsync(url, body)).StatusCode);
    }
}

using System.Text.Json;
using GrowHalo.Ingestion.Polling;
using GrowHalo.Simulator.StandIns;
using GrowHalo.Simulator.World;

namespace GrowHalo.Tests.Ingestion.Polling;

public sealed class ShopifyPollerTests(PollingApp app) : IClassFixture<PollingApp>
{
    private int Visible(ShopifyResource resource) => app.World.Records(resource, app.Clock.Now).Count;

    [Fact]
    public async Task one_pass_pages_through_every_order_customer_product_and_checkout_and_stores_each_once()
    {
        var (tenant, connection) = await app.ConnectAsync("shopify");
        var before = app.StandIns.State.Faults.Requests(StandInApi.ShopifyRest);

        var outcome = await app.PollAsync(connection);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.True(outcome.Pages > 20, $"{outcome.Pages} pages");
        Assert.Equal(outcome.Pages, app.StandIns.State.Faults.Requests(StandInApi.ShopifyRest) - before);
        Assert.Equal(Visible(ShopifyResource.Orders), await app.EventsAsync(tenant.Id, "shopify:order:"));
        Assert.Equal(Visible(ShopifyResource.Customers), await app.EventsAsync(tenant.Id, "shopify:customer:"));
        Assert.Equal(Visible(ShopifyResource.Products), await app.EventsAsync(tenant.Id, "shopify:product:"));
        Assert.Equal(Visible(ShopifyResource.Checkouts), await app.EventsAsync(tenant.Id, "shopify:checkout:"));

        var again = await app.PollAsync(connection);
        Assert.True(again.Succeeded, again.Error);
        Assert.Equal(0, again.Appended); // the next pass starts at the newest updated_at: only repeats, stored once
    }

    [Fact]
    public async Task a_429_and_a_500_in_the_middle_are_waited_out_and_nothing_is_lost_or_doubled()
    {
        var (tenant, connection) = await app.ConnectAsync("shopify");
        app.StandIns.State.Faults.FailOnce(StandInApi.ShopifyRest, 429, afterRequests: 5);
        app.StandIns.State.Faults.FailOnce(StandInApi.ShopifyRest, 500, afterRequests: 3);

        var outcome = await app.PollAsync(connection);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(Visible(ShopifyResource.Orders), await app.EventsAsync(tenant.Id, "shopify:order:"));
        Assert.Equal(Visible(ShopifyResource.Customers), await app.EventsAsync(tenant.Id, "shopify:customer:"));
    }

    [Fact]
    public async Task a_pass_that_fails_midway_is_shown_in_ingest_status_and_the_next_pass_resumes_without_gap_or_double_count()
    {
        var (tenant, connection) = await app.ConnectAsync("shopify");
        // Two 500s in a row exhaust the two attempts: the pass stops after a few committed pages.
        app.StandIns.State.Faults.FailOnce(StandInApi.ShopifyRest, 500, afterRequests: 6);
        app.StandIns.State.Faults.FailOnce(StandInApi.ShopifyRest, 500);

        var failed = await app.PollAsync(connection);

        Assert.False(failed.Succeeded);
        var all = Visible(ShopifyResource.Orders) + Visible(ShopifyResource.Customers) + Visible(ShopifyResource.Products) + Visible(ShopifyResource.Checkouts);
        Assert.InRange(await app.EventsAsync(tenant.Id, "shopify:"), 1, all - 1);
        var status = await tenant.GetJsonAsync<JsonElement>("/api/v1/ingest/status");
        var shown = status.GetProperty("connections").EnumerateArray().Single(c => c.GetProperty("id").GetString() == connection.Id);
        Assert.Equal("failing", shown.GetProperty("status").GetString());
        Assert.Contains("500", shown.GetProperty("last_error").GetString());
        Assert.Equal(1, shown.GetProperty("cursor").GetProperty("error_count").GetInt32());

        var resumed = await app.PollAsync(connection);

        Assert.True(resumed.Succeeded, resumed.Error);
        Assert.Equal(Visible(ShopifyResource.Orders), await app.EventsAsync(tenant.Id, "shopify:order:"));
        Assert.Equal(all, await app.EventsAsync(tenant.Id, "shopify:"));
        Assert.Equal(all, failed.Appended + resumed.Appended);
        status = await tenant.GetJsonAsync<JsonElement>("/api/v1/ingest/status");
        shown = status.GetProperty("connections").EnumerateArray().Single(c => c.GetProperty("id").GetString() == connection.Id);
        Assert.Equal(0, shown.GetProperty("cursor").GetProperty("error_count").GetInt32());
    }
}

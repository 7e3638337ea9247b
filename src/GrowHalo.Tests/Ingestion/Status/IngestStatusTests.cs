using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using static GrowHalo.Tests.Ingestion.IngestionApp;

namespace GrowHalo.Tests.Ingestion.Status;

[Collection(IngestionCollection.Name)]
public sealed class IngestStatusTests(IngestionApp app)
{
    [Fact]
    public async Task status_shows_per_connection_counts_cursor_projection_lag_and_recent_rejections_of_its_own_tenant_only()
    {
        var tenant = await app.CreateTenantAsync();
        var shop = Unique.Shop();
        var connection = await app.ConnectAsync(tenant, "shopify", shop, "status-secret");
        var body = Samples.Order(1).ToJsonString();
        await app.SendAsync(ShopifyWebhook(shop, "orders/create", body, "status-secret", "delivery-1"), HttpStatusCode.Created);
        await app.SendAsync(ShopifyWebhook(shop, "orders/create", body, "status-secret", "delivery-1"), HttpStatusCode.OK); // the duplicate
        await app.SendAsync(ShopifyWebhook(shop, "orders/create", Samples.Order(2, total: "lots").ToJsonString(), "status-secret"), HttpStatusCode.BadRequest);
        var batch = await JsonOf(await PostBatchAsync(tenant, new
        {
            source = "shopify",
            events = new object[] { new { eventType = "order", payload = (JsonNode)Samples.Order(3) }, new { eventType = "order", payload = (JsonNode)new JsonObject() } },
        }));
        Assert.Equal(connection, batch.GetProperty("connection_id").GetString());
        await PostBatchAsync(tenant, new { source = "meta", events = new[] { new { eventType = "ad_spend", payload = (JsonNode)Samples.MetaRow("c1") } } });
        var other = await app.CreateTenantAsync();
        await PostBatchAsync(other, new { source = "shopify", events = new[] { new { eventType = "order", payload = (JsonNode)new JsonObject() }, new { eventType = "order", payload = (JsonNode)Samples.Order(4) } } });
        await app.WaitForProjectionsAsync();

        var status = await tenant.GetJsonAsync<JsonElement>("/api/v1/ingest/status");
        var shown = status.GetProperty("connections").EnumerateArray().Single();
        Assert.Equal(connection, shown.GetProperty("id").GetString());
        Assert.Equal(shop, shown.GetProperty("external_account_id").GetString());
        Assert.Equal("active", shown.GetProperty("status").GetString());
        Assert.Equal(2, shown.GetProperty("events_received").GetInt64());
        Assert.Equal(1, shown.GetProperty("duplicates").GetInt64());
        Assert.Equal(2, shown.GetProperty("rejections").GetInt64());
        Assert.Equal(JsonValueKind.String, shown.GetProperty("last_event_at").ValueKind);
        Assert.Contains("id", shown.GetProperty("last_error").GetString());
        Assert.Equal(0, shown.GetProperty("cursor").GetProperty("error_count").GetInt32());
        Assert.Equal(JsonValueKind.Object, shown.GetProperty("cursor").GetProperty("position").ValueKind);
        Assert.Equal(1, status.GetProperty("unattributed").GetProperty("events_received").GetInt64());

        var activity = status.GetProperty("projections").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "ingest_activity");
        Assert.Equal(0, activity.GetProperty("lag_events").GetInt64());

        var rejections = status.GetProperty("recent_rejections").EnumerateArray().ToList();
        Assert.Contains(rejections, r => r.GetProperty("batch_id").GetString() == batch.GetProperty("id").GetString() && r.GetProperty("index").GetInt32() == 1);
        Assert.Contains(rejections, r => r.GetProperty("batch_id").ValueKind == JsonValueKind.Null && r.GetProperty("field").GetString() == "total_price");
        Assert.All(rejections, r => Assert.False(string.IsNullOrEmpty(r.GetProperty("reason").GetString())));

        var theirs = await other.GetJsonAsync<JsonElement>("/api/v1/ingest/status");
        Assert.Empty(theirs.GetProperty("connections").EnumerateArray());
        Assert.All(theirs.GetProperty("recent_rejections").EnumerateArray(), r => Assert.Equal(0, r.GetProperty("index").GetInt32()));
        Assert.Equal(1, theirs.GetProperty("unattributed").GetProperty("rejections").GetInt64());
    }

    [Fact]
    public async Task status_needs_the_read_scope()
    {
        var ingestOnly = await app.CreateTenantAsync(scopes: "ingest");
        await ProblemOf(await ingestOnly.Scenario(s =>
        {
            s.Get.Url("/api/v1/ingest/status");
            s.StatusCodeShouldBe(HttpStatusCode.Forbidden);
        }));
    }
}

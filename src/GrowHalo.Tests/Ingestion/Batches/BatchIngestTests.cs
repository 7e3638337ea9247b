using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using GrowHalo.Tests.Infrastructure;
using static GrowHalo.Tests.Ingestion.IngestionApp;

namespace GrowHalo.Tests.Ingestion.Batches;

[Collection(IngestionCollection.Name)]
public sealed class BatchIngestTests(IngestionApp app)
{
    private static object Event(string type, JsonNode payload) => new { eventType = type, payload };

    [Fact]
    public async Task every_shopify_resource_in_a_batch_becomes_one_event_holding_the_raw_record_verbatim()
    {
        var tenant = await app.CreateTenantAsync();
        var order = Samples.Order(5001);
        var graphQl = Samples.GraphQlOrder(5002);
        var refund = Samples.Refund(801, 5001);
        JsonNode[] others = [Samples.Customer(7001), Samples.Product(901), Samples.Checkout(601)];
        var response = await PostBatchAsync(tenant, new
        {
            source = "shopify",
            events = new[] { Event("order", order), Event("order", graphQl), Event("refund", refund),
                Event("customer", others[0]), Event("product", others[1]), Event("checkout", others[2]) },
        });

        var batch = await JsonOf(response);
        Assert.Equal((6, 6, 0, 0), (batch.GetProperty("total_events").GetInt32(), batch.GetProperty("accepted").GetInt32(),
            batch.GetProperty("rejected").GetInt32(), batch.GetProperty("duplicates").GetInt32()));
        Assert.Equal("completed", batch.GetProperty("status").GetString());
        Assert.Equal(tenant.Id, batch.GetProperty("tenant_id").GetString());
        Assert.Equal($"/api/v1/ingest/batches/{batch.GetProperty("id").GetString()}", response.Context.Response.Headers.Location.ToString());

        var store = app.DataSource;
        var stored = (await store.ReadStreamAsync(tenant.Id, "shopify:order:5001")).Single();
        Assert.Equal("shopify_order_received", stored.Type);
        Assert.Equal("batch", stored.Data.GetProperty("channel").GetString());
        Assert.True(JsonNode.DeepEquals(order, JsonNode.Parse(stored.Data.GetProperty("payload").GetRawText())));
        Assert.Single(await store.ReadStreamAsync(tenant.Id, "shopify:order:5002"));
        Assert.Equal("shopify_refund_received", (await store.ReadStreamAsync(tenant.Id, "shopify:refund:801")).Single().Type);
        Assert.Single(await store.ReadStreamAsync(tenant.Id, "shopify:customer:7001"));
        Assert.Single(await store.ReadStreamAsync(tenant.Id, "shopify:product:901"));
        Assert.Equal("shopify_checkout_received", (await store.ReadStreamAsync(tenant.Id, "shopify:checkout:tok601")).Single().Type);
    }

    [Fact]
    public async Task the_v1_camel_case_contract_and_snake_case_are_both_accepted()
    {
        var tenant = await app.CreateTenantAsync();
        var camel = await PostBatchAsync(tenant, new { source = "shopify", events = new[] {
            new { eventType = "order", payload = (JsonNode)Samples.Order(11), sourceTimestamp = "2026-03-01T14:20:00Z", externalId = "11" } } });
        var snake = await PostBatchAsync(tenant, new { source = "shopify", events = new[] {
            new { event_type = "customer", payload = (JsonNode)Samples.Customer(12), source_timestamp = "2026-03-01T14:20:00Z", external_id = "c-12" } } });

        Assert.Equal(1, (await JsonOf(camel)).GetProperty("accepted").GetInt32());
        Assert.Equal(1, (await JsonOf(snake)).GetProperty("accepted").GetInt32());
        var customer = (await app.DataSource.ReadStreamAsync(tenant.Id, "shopify:customer:12")).Single();
        Assert.Equal("c-12", customer.Metadata!.Value.GetProperty("external_id").GetString());
    }

    [Fact]
    public async Task the_same_batch_sent_twice_is_counted_as_duplicates_and_stores_nothing_new()
    {
        var tenant = await app.CreateTenantAsync();
        var body = new { source = "shopify", events = Enumerable.Range(1, 5).Select(i => Event("order", Samples.Order(i))).ToArray() };
        await PostBatchAsync(tenant, body);
        var again = await JsonOf(await PostBatchAsync(tenant, body));

        Assert.Equal((5, 0, 5), (again.GetProperty("total_events").GetInt32(), again.GetProperty("accepted").GetInt32(), again.GetProperty("duplicates").GetInt32()));
        Assert.Equal(5, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task an_updated_order_and_its_refund_are_new_events_never_dropped_as_duplicates()
    {
        var tenant = await app.CreateTenantAsync();
        await PostBatchAsync(tenant, new { source = "shopify", events = new[] { Event("order", Samples.Order(42)) } });
        var refunded = Samples.Order(42, updatedAt: "2026-03-03T12:00:05Z", financialStatus: "partially_refunded",
            refunds: [Samples.Refund(900, 42)]);
        var result = await JsonOf(await PostBatchAsync(tenant, new { source = "shopify", events = new[] {
            Event("order", refunded), Event("refund", Samples.Refund(900, 42)) } }));

        Assert.Equal(2, result.GetProperty("accepted").GetInt32());
        Assert.Equal(2, await app.EventsAsync(tenant.Id, "shopify:order:42"));
        Assert.Equal(1, await app.EventsAsync(tenant.Id, "shopify:refund:900"));
    }

    [Fact]
    public async Task meta_rows_count_one_per_row_whether_flat_or_inside_a_data_envelope()
    {
        var tenant = await app.CreateTenantAsync();
        var envelope = Samples.MetaEnvelope(Samples.MetaRow("c1"), Samples.MetaRow("c2"), Samples.MetaRow("c3", spend: "not money"));
        var result = await JsonOf(await PostBatchAsync(tenant, new { source = "meta", events = new[] {
            Event("ad_spend", envelope), Event("ad_spend", Samples.MetaRow("c4")) } }));

        Assert.Equal((4, 3, 1), (result.GetProperty("total_events").GetInt32(), result.GetProperty("accepted").GetInt32(), result.GetProperty("rejected").GetInt32()));
        var error = result.GetProperty("errors").EnumerateArray().Single();
        Assert.Equal(0, error.GetProperty("index").GetInt32());
        Assert.Equal("payload.data[2].spend", error.GetProperty("field").GetString());
        Assert.Equal(1, await app.EventsAsync(tenant.Id, "meta:campaign:c2"));
        Assert.Equal("meta_insights_row_received", (await app.DataSource.ReadStreamAsync(tenant.Id, "meta:campaign:c4")).Single().Type);
    }

    [Fact]
    public async Task a_meta_envelope_whose_data_is_not_a_list_is_rejected_at_payload_data_and_the_other_events_go_in()
    {
        var tenant = await app.CreateTenantAsync();
        var result = await JsonOf(await PostBatchAsync(tenant, new { source = "meta", events = new[] {
            Event("ad_spend", new JsonObject { ["data"] = Samples.MetaRow("c1") }), Event("ad_spend", Samples.MetaRow("c2")) } }));

        Assert.Equal((1, 1), (result.GetProperty("accepted").GetInt32(), result.GetProperty("rejected").GetInt32()));
        var error = result.GetProperty("errors").EnumerateArray().Single();
        Assert.Equal((0, "payload.data"), (error.GetProperty("index").GetInt32(), error.GetProperty("field").GetString()));
        Assert.Equal("must be an array of the platform's rows, not an object", error.GetProperty("reason").GetString());
        Assert.Equal(0, await app.EventsAsync(tenant.Id, "meta:campaign:c1"));
        Assert.Equal(1, await app.EventsAsync(tenant.Id, "meta:campaign:c2"));
    }

    [Fact]
    public async Task google_search_stream_results_and_v1_flat_rows_are_both_accepted()
    {
        var tenant = await app.CreateTenantAsync();
        var stream = Samples.SearchStream(Samples.GoogleResult("g1"), Samples.GoogleResult("g2"));
        var result = await JsonOf(await PostBatchAsync(tenant, new { source = "google", events = new[] {
            Event("ad_spend", stream), Event("ad_spend", Samples.GoogleFlat("g3")) } }));

        Assert.Equal((3, 3), (result.GetProperty("total_events").GetInt32(), result.GetProperty("accepted").GetInt32()));
        var flat = (await app.DataSource.ReadStreamAsync(tenant.Id, "google:campaign:g3")).Single();
        Assert.Equal("google_ads_row_received", flat.Type);
        Assert.Equal(45_670_000, flat.Data.GetProperty("payload").GetProperty("cost_micros").GetInt64());
    }

    [Fact]
    public async Task restated_ad_spend_is_a_new_event_and_the_same_row_again_is_a_duplicate()
    {
        var tenant = await app.CreateTenantAsync();
        await PostBatchAsync(tenant, new { source = "meta", events = new[] { Event("ad_spend", Samples.MetaRow("r1", spend: "100.00")) } });
        var same = await JsonOf(await PostBatchAsync(tenant, new { source = "meta", events = new[] { Event("ad_spend", Samples.MetaRow("r1", spend: "100.00")) } }));
        var restated = await JsonOf(await PostBatchAsync(tenant, new { source = "meta", events = new[] { Event("ad_spend", Samples.MetaRow("r1", spend: "112.40")) } }));
        var googleAgain = new { source = "google", events = new[] { Event("ad_spend", Samples.GoogleFlat("r2", costMicros: 1_000_000)) } };
        await PostBatchAsync(tenant, googleAgain);
        var googleSame = await JsonOf(await PostBatchAsync(tenant, googleAgain));
        var googleRestated = await JsonOf(await PostBatchAsync(tenant, new { source = "google", events = new[] { Event("ad_spend", Samples.GoogleFlat("r2", costMicros: 2_500_000)) } }));

        Assert.Equal(1, same.GetProperty("duplicates").GetInt32());
        Assert.Equal(1, restated.GetProperty("accepted").GetInt32());
        Assert.Equal(2, await app.EventsAsync(tenant.Id, "meta:campaign:r1"));
        Assert.Equal(1, googleSame.GetProperty("duplicates").GetInt32());
        Assert.Equal(1, googleRestated.GetProperty("accepted").GetInt32());
        Assert.Equal(2, await app.EventsAsync(tenant.Id, "google:campaign:r2"));
    }

    [Fact]
    public async Task ten_thousand_orders_go_in_one_request()
    {
        var tenant = await app.CreateTenantAsync();
        var events = new JsonArray(Enumerable.Range(1, 10_000).Select(i => (JsonNode)new JsonObject
            { ["eventType"] = "order", ["payload"] = Samples.Order(100_000 + i) }).ToArray());
        var response = await PostBatchAsync(tenant, new JsonObject { ["source"] = "shopify", ["events"] = events });

        var result = await JsonOf(response);
        Assert.Equal(10_000, result.GetProperty("accepted").GetInt32());
        Assert.Equal(10_000, await app.EventsAsync(tenant.Id));
        Assert.Equal(1, await app.CountAsync("select count(*) from ingest_batches where tenant_id = $1 and accepted = 10000", tenant.Id));
    }

    [Fact]
    public async Task batches_are_listed_for_their_own_tenant_only_and_another_tenants_batch_is_not_found()
    {
        var a = await app.CreateTenantAsync("Alpha");
        var b = await app.CreateTenantAsync("Beta");
        var created = await JsonOf(await PostBatchAsync(a, new { source = "shopify", events = new[] {
            Event("order", Samples.Order(1)), Event("order", new JsonObject { ["id"] = 2 }) } }));
        var id = created.GetProperty("id").GetString();

        var mine = await a.GetJsonAsync<JsonElement>("/api/v1/ingest/batches");
        Assert.Equal(id, mine.GetProperty("data").EnumerateArray().Single().GetProperty("id").GetString());
        var one = await a.GetJsonAsync<JsonElement>($"/api/v1/ingest/batches/{id}");
        Assert.Equal(["payload.created_at", "payload.total_price"],
            one.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));

        Assert.Empty((await b.GetJsonAsync<JsonElement>("/api/v1/ingest/batches")).GetProperty("data").EnumerateArray());
        foreach (var url in new[] { $"/api/v1/ingest/batches/{id}", "/api/v1/ingest/batches/not-a-guid" })
            await ProblemOf(await b.Scenario(s =>
            {
                s.Get.Url(url);
                s.StatusCodeShouldBe(HttpStatusCode.NotFound);
            }));
    }
}

using System.Net;
using System.Text.Json.Nodes;
using GrowHalo.Ingestion.Batches;
using GrowHalo.Tests.Infrastructure;
using static GrowHalo.Tests.Ingestion.IngestionApp;

namespace GrowHalo.Tests.Ingestion.Batches;

/// <summary>
/// Batches larger than one chunk of the pipeline (converted and appended chunk by chunk in one transaction) answer as
/// one append of the whole batch would: all or nothing, repeats across chunks counted once, versions and errors in place.
/// </summary>
[Collection(IngestionCollection.Name)]
public sealed class BatchPipelineTests(IngestionApp app)
{
    private const int Chunk = BatchPipeline.ChunkSize;

    private static JsonObject Event(JsonNode payload) => new() { ["eventType"] = "order", ["payload"] = payload };

    private static JsonArray Orders(long firstId, int count) =>
        new(Enumerable.Range(0, count).Select(i => (JsonNode)Event(Samples.Order(firstId + i))).ToArray());

    [Fact]
    public async Task repeats_and_new_versions_across_chunks_are_counted_once_and_errors_keep_their_batch_index()
    {
        var tenant = await app.CreateTenantAsync();
        var events = Orders(1, 2 * Chunk + 100);
        events[Chunk + 10] = Event(Samples.Order(3)); // the same order version as index 2, one chunk later
        events[2 * Chunk + 20] = Event(Samples.Order(4, updatedAt: "2026-03-02T10:00:00Z")); // a new version of index 3's order
        events[2 * Chunk + 30] = Event(Samples.Order(5000, total: "lots"));

        var response = await PostBatchAsync(tenant, new JsonObject { ["source"] = "shopify", ["events"] = events });

        var batch = await JsonOf(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal((2 * Chunk + 100, 2 * Chunk + 98, 1, 1), (batch.GetProperty("total_events").GetInt32(),
            batch.GetProperty("accepted").GetInt32(), batch.GetProperty("duplicates").GetInt32(), batch.GetProperty("rejected").GetInt32()));
        var error = batch.GetProperty("errors").EnumerateArray().Single();
        Assert.Equal((2 * Chunk + 30, "payload.total_price"), (error.GetProperty("index").GetInt32(), error.GetProperty("field").GetString()));

        var store = app.Service<GrowHalo.EventStore.EventStore>();
        Assert.Single(await store.ReadStreamAsync(tenant.Id, "shopify:order:3"));
        var order4 = await store.ReadStreamAsync(tenant.Id, "shopify:order:4");
        Assert.Equal([1L, 2L], order4.Select(e => e.Version));
        Assert.True(order4[0].Sequence < order4[1].Sequence);
        Assert.Equal(2 * Chunk + 98, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task a_batch_whose_last_chunk_the_database_refuses_is_a_422_and_stores_nothing_from_the_earlier_chunks()
    {
        var tenant = await app.CreateTenantAsync();
        var events = Orders(10_000, 2 * Chunk + 50);
        var refused = Samples.Order(20_000);
        refused["note"] = "LONE-SURROGATE";
        events[2 * Chunk + 40] = Event(refused);
        // "\ud800" (half of a UTF-16 pair) passes a JSON parser but not PostgreSQL's jsonb.
        var body = new JsonObject { ["source"] = "shopify", ["events"] = events }.ToJsonString().Replace("LONE-SURROGATE", "\\ud800");

        var response = await tenant.Http.PostAsync("/api/v1/ingest/batch", Json(body));

        var problem = await ProblemOf(response, 422);
        Assert.Contains("nothing was stored", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await app.EventsAsync(tenant.Id));
        Assert.Equal(0, await app.CountAsync("select count(*) from streams where tenant_id = $1", tenant.Id));
        Assert.Equal(0, await app.CountAsync("select count(*) from ingest_batches where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task a_record_with_a_nul_character_is_rejected_by_itself_and_the_rest_of_the_batch_is_stored()
    {
        var tenant = await app.CreateTenantAsync();
        var events = Orders(30_000, Chunk + 10);
        var nul = Samples.Order(40_000);
        nul["note"] = "gift\u0000wrap";
        var escaped = Samples.Order(40_001);
        escaped["note"] = "C:\\u0000 is a folder"; // an escaped backslash before u0000: ordinary text
        events[Chunk + 5] = Event(nul);
        events[3] = Event(escaped);

        var response = await PostBatchAsync(tenant, new JsonObject { ["source"] = "shopify", ["events"] = events });

        var batch = await JsonOf(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal((Chunk + 9, 1), (batch.GetProperty("accepted").GetInt32(), batch.GetProperty("rejected").GetInt32()));
        var error = batch.GetProperty("errors").EnumerateArray().Single();
        Assert.Equal((Chunk + 5, "payload"), (error.GetProperty("index").GetInt32(), error.GetProperty("field").GetString()));
        Assert.Single(await app.Service<GrowHalo.EventStore.EventStore>().ReadStreamAsync(tenant.Id, "shopify:order:40001"));
    }

    [Fact]
    public async Task two_batches_racing_over_the_same_orders_in_opposite_orders_both_complete_and_store_each_order_once()
    {
        var tenant = await app.CreateTenantAsync();
        var forward = Orders(50_000, 2 * Chunk);
        var backward = new JsonArray(forward.Reverse().Select(e => e!.DeepClone()).ToArray());

        var responses = await Task.WhenAll(
            PostBatchAsync(tenant, new JsonObject { ["source"] = "shopify", ["events"] = forward }),
            PostBatchAsync(tenant, new JsonObject { ["source"] = "shopify", ["events"] = backward }));

        var batches = await Task.WhenAll(responses.Select(JsonOf));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(2 * Chunk, batches.Sum(b => b.GetProperty("accepted").GetInt32()));
        Assert.Equal(2 * Chunk, batches.Sum(b => b.GetProperty("duplicates").GetInt32()));
        Assert.Equal(2 * Chunk, await app.EventsAsync(tenant.Id));
    }
}

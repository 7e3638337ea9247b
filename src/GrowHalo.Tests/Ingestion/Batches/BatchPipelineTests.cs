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
        Assert.Equal((2 * Chunk + 100, 2 * Chunk + 98, 1, 1), (batch.GetProperty("total_events").GetInt32(),
            batch.GetProperty("accepted").GetInt32(), batch.GetProperty("duplicates").GetInt32(), batch.GetProperty("rejected").GetInt32()));
        var error = batch.GetProperty("errors").EnumerateArray().Single();
        Assert.Equal((2 * Chunk + 30, "payload.total_price"), (error.GetProperty("index").GetInt32(), error.GetProperty("field").GetString()));

        var store = app.DataSource;
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
        // Every record passes the checks before the append; only PostgreSQL refuses one, in the last chunk.
        await using var refusal = await RefuseEventAsync(tenant.Id, $"shopify:order:{10_000 + 2 * Chunk + 40}");

        var response = await PostBatchAsync(tenant, new JsonObject { ["source"] = "shopify", ["events"] = events }, HttpStatusCode.UnprocessableEntity);

        var problem = await ProblemOf(response);
        Assert.Contains("nothing was stored", problem.GetProperty("detail").GetString());
        Assert.Contains("refused by the test", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await app.EventsAsync(tenant.Id));
        // Marten marks the sequence numbers a failed append used with a tombstone stream of its own: no stream of ours.
        Assert.Equal(0, await app.CountAsync("select count(*) from mt_streams where tenant_id = $1 and id <> 'mt_tombstone'", tenant.Id));
        Assert.Equal(0, await app.CountAsync("select count(*) from ingest_batches where tenant_id = $1", tenant.Id));
    }

    /// <summary>Until disposed, PostgreSQL refuses (with a data exception) to store an event of that tenant's stream.</summary>
    private async Task<IAsyncDisposable> RefuseEventAsync(string tenantId, string streamId)
    {
        var name = "test_refuse_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync($$"""
            create function {{name}}() returns trigger language plpgsql as $$
            begin raise exception 'refused by the test' using errcode = '22023'; end $$;
            create trigger {{name}} before insert on mt_events for each row
            when (new.tenant_id = '{{tenantId}}' and new.stream_id = '{{streamId}}') execute function {{name}}();
            """);
        return new Cleanup(() => ExecuteAsync($"drop trigger {name} on mt_events; drop function {name}()"));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var cmd = app.DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private sealed class Cleanup(Func<Task> run) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await run();
    }

    [Fact]
    public async Task records_with_text_postgresql_cannot_hold_are_rejected_by_themselves_naming_the_field()
    {
        var tenant = await app.CreateTenantAsync();
        var events = Orders(60_000, Chunk + 10);
        var lone = Samples.Order(70_000);
        lone["note"] = "LONE-SURROGATE";
        var paired = Samples.Order(70_001);
        paired["note"] = "PAIRED-SURROGATES";
        events[Chunk + 2] = Event(lone);
        events[4] = Event(paired);
        // Half of a UTF-16 pair is valid JSON, but no text; a whole pair (an emoji) is ordinary text.
        var body = new JsonObject { ["source"] = "shopify", ["events"] = events }.ToJsonString()
            .Replace("LONE-SURROGATE", "gift \\ud800 wrap").Replace("PAIRED-SURROGATES", "gift \\ud83c\\udf81 wrap");

        var response = await PostBatchAsync(tenant, body);

        var batch = await JsonOf(response);
        Assert.Equal((Chunk + 9, 1), (batch.GetProperty("accepted").GetInt32(), batch.GetProperty("rejected").GetInt32()));
        var error = batch.GetProperty("errors").EnumerateArray().Single();
        Assert.Equal((Chunk + 2, "payload.note"), (error.GetProperty("index").GetInt32(), error.GetProperty("field").GetString()));
        Assert.Contains("\\ud800, the first half of a UTF-16 surrogate pair", error.GetProperty("reason").GetString());
        var stored = Assert.Single(await app.DataSource.ReadStreamAsync(tenant.Id, "shopify:order:70001"));
        Assert.Equal("gift \U0001F381 wrap", stored.Data.GetProperty("payload").GetProperty("note").GetString());
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

        var batches = await Task.WhenAll(responses.Select(JsonOf)); // each scenario expected 201
        Assert.Equal(2 * Chunk, batches.Sum(b => b.GetProperty("accepted").GetInt32()));
        Assert.Equal(2 * Chunk, batches.Sum(b => b.GetProperty("duplicates").GetInt32()));
        Assert.Equal(2 * Chunk, await app.EventsAsync(tenant.Id));
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Alba;
using GrowHalo.Tests.Infrastructure;
using static GrowHalo.Tests.Ingestion.IngestionApp;

namespace GrowHalo.Tests.Ingestion.Batches;

[Collection(IngestionCollection.Name)]
public sealed class BatchBadInputTests(IngestionApp app)
{
    private static object Event(string type, JsonNode payload) => new { eventType = type, payload };

    /// <summary>Sends the request as a new tenant, expects a problem with <paramref name="status"/>, and counts what was stored.</summary>
    private async Task<(TenantClient, JsonElementAndCount)> Rejected(Action<Scenario> request, HttpStatusCode status)
    {
        var tenant = await app.CreateTenantAsync();
        var problem = await ProblemOf(await tenant.Scenario(s =>
        {
            request(s);
            s.StatusCodeShouldBe(status);
        }));
        return (tenant, new(problem, await app.EventsAsync(tenant.Id) + await app.CountAsync("select count(*) from ingest_batches where tenant_id = $1", tenant.Id)));
    }

    public sealed record JsonElementAndCount(System.Text.Json.JsonElement Problem, long Stored);

    [Fact]
    public async Task malformed_json_is_a_400_that_says_where_and_stores_nothing()
    {
        var (_, r) = await Rejected(s => s.PostRawJson("/api/v1/ingest/batch", "{\"source\": \"shopify\", \"events\": [ {\"eventType\": \"order\" "), HttpStatusCode.BadRequest);
        Assert.Contains("not valid JSON", r.Problem.GetProperty("detail").GetString());
        Assert.Equal(0, r.Stored);
    }

    [Fact]
    public async Task a_body_that_is_not_json_is_a_415()
    {
        var (_, r) = await Rejected(s =>
        {
            s.Post.Text("source=shopify").ToUrl("/api/v1/ingest/batch");
            s.WithRequestHeader("content-type", "application/x-www-form-urlencoded; charset=utf-8");
        }, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/json", r.Problem.GetProperty("detail").GetString());
        Assert.Equal(0, r.Stored);
    }

    [Fact]
    public async Task a_body_over_64_megabytes_is_a_413_whether_or_not_it_declares_its_length()
    {
        const long size = 64L * 1024 * 1024 + 1;
        var (_, chunked) = await Rejected(s => Big(s, size, declareLength: false), HttpStatusCode.RequestEntityTooLarge);
        var (_, declared) = await Rejected(s => Big(s, size, declareLength: true), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("64 MB", chunked.Problem.GetProperty("detail").GetString());
        Assert.Equal(0, chunked.Stored + declared.Stored);
    }

    [Fact]
    public async Task an_unknown_or_missing_source_is_a_400_naming_the_allowed_sources()
    {
        var (_, unknown) = await Rejected(s => s.PostBatch(new { source = "tiktok", events = new[] { Event("order", Samples.Order(1)) } }), HttpStatusCode.BadRequest);
        Assert.Contains("shopify, meta, google", unknown.Problem.GetProperty("detail").GetString());
        var (_, missing) = await Rejected(s => s.PostBatch(new { events = new[] { Event("order", Samples.Order(1)) } }), HttpStatusCode.BadRequest);
        Assert.Contains("source is required", missing.Problem.GetProperty("detail").GetString());
        var (_, noEvents) = await Rejected(s => s.PostBatch(new { source = "shopify", events = "all of them" }), HttpStatusCode.BadRequest);
        Assert.Contains("events", noEvents.Problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task each_bad_event_is_listed_by_index_with_its_field_and_the_good_ones_are_stored()
    {
        var tenant = await app.CreateTenantAsync();
        var badAmount = Samples.Order(2, total: "12,50 EUR");
        var badDate = Samples.Order(3, updatedAt: "yesterday");
        var noId = Samples.Order(4);
        noId.Remove("id");
        noId.Remove("admin_graphql_api_id");
        var response = await PostBatchAsync(tenant, new
        {
            source = "shopify",
            events = new object[] { Event("order", Samples.Order(1)), Event("order", badAmount), Event("order", badDate), Event("order", noId),
                Event("orders", Samples.Order(5)), new { eventType = "order" }, Event("ad_spend", Samples.MetaRow("c1")),
                new { eventType = "order", payload = (JsonNode)Samples.Order(6), sourceTimestamp = "last tuesday" } },
        });

        var batch = await JsonOf(response);
        Assert.Equal((8, 1, 7), (batch.GetProperty("total_events").GetInt32(), batch.GetProperty("accepted").GetInt32(), batch.GetProperty("rejected").GetInt32()));
        Assert.Equal("completed_with_errors", batch.GetProperty("status").GetString());
        var errors = batch.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal([(1, "payload.total_price"), (2, "payload.updated_at"), (3, "payload.id"), (4, "eventType"), (5, "payload"),
            (6, "eventType"), (7, "sourceTimestamp")], errors);
        var reasons = batch.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("reason").GetString()!).ToList();
        Assert.Contains("decimal amount", reasons[0]);
        Assert.Contains("ISO 8601", reasons[1]);
        Assert.Contains("order, refund, customer, product, checkout", reasons[3]);
        Assert.Equal(1, await app.EventsAsync(tenant.Id));
    }

    [Fact]
    public async Task a_batch_with_no_usable_event_is_a_422_listing_every_error_and_stores_nothing()
    {
        var (_, r) = await Rejected(s => s.PostBatch(new { source = "google", events = new[] {
            Event("ad_spend", new JsonObject { ["campaign_id"] = "g1", ["date"] = "2026-13-01", ["cost_micros"] = 5 }),
            Event("ad_spend", new JsonObject { ["campaign_id"] = "g2", ["date"] = "2026-03-01" }) } }), HttpStatusCode.UnprocessableEntity);
        var errors = r.Problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal([(0, "payload.segments.date"), (1, "payload.metrics.costMicros")], errors);
        Assert.Equal(0, r.Stored);
    }

    [Fact]
    public async Task a_connection_id_of_another_tenant_is_a_400_and_stores_nothing()
    {
        var other = await app.CreateTenantAsync("Other");
        var connection = await app.ConnectAsync(other, "shopify", Unique.Shop(), "s3cret");
        var (_, r) = await Rejected(s => s.PostBatch(new { source = "shopify", connection_id = connection, events = new[] { Event("order", Samples.Order(1)) } }), HttpStatusCode.BadRequest);
        Assert.Contains("not a connection of this workspace", r.Problem.GetProperty("detail").GetString());
        Assert.Equal(0, r.Stored);
    }

    [Fact]
    public async Task a_batch_needs_a_key_with_the_ingest_scope()
    {
        var reader = await app.CreateTenantAsync(scopes: "read");
        await ProblemOf(await PostBatchAsync(reader, new { source = "shopify", events = new[] { Event("order", Samples.Order(1)) } }, HttpStatusCode.Forbidden));
        await ProblemOf(await app.Host.Scenario(s =>
        {
            s.PostRawJson("/api/v1/ingest/batch", "{}");
            s.StatusCodeShouldBe(HttpStatusCode.Unauthorized);
        }));
    }

    /// <summary>A JSON body of <paramref name="size"/> bytes read from a stream, sent with its length or without one (as a chunked body is).</summary>
    private static void Big(Scenario s, long size, bool declareLength)
    {
        s.Post.Url("/api/v1/ingest/batch");
        s.WithRequestHeader("content-type", "application/json");
        s.ConfigureHttpContext(c =>
        {
            c.Request.Body = new Filler(size, declareLength);
            c.Request.ContentLength = declareLength ? size : null;
        });
    }

    /// <summary>A JSON array of spaces, generated as it is read, so the test does not hold 64 MB.</summary>
    private sealed class Filler(long size, bool seekable) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => seekable;
        public override bool CanWrite => false;
        public override long Length => seekable ? size : throw new NotSupportedException();
        public override long Position { get => _position; set => _position = seekable ? value : throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, size - _position);
            for (var i = 0; i < n; i++) buffer[offset + i] = _position + i == 0 ? (byte)'[' : (byte)' ';
            _position += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset, SeekOrigin.Current => _position + offset, _ => size + offset,
        };
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

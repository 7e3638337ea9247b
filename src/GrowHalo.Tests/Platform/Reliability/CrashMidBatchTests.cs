using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Tests.Ingestion;
using Xunit.Abstractions;

namespace GrowHalo.Tests.Platform.Reliability;

/// <summary>
/// A large batch upload (5,000 Shopify orders, 4.5 MB, one transaction) with its server killed by SIGKILL at three
/// moments: halfway through the body, as the last byte is sent, and inside the batch's transaction once it has begun
/// writing events (held there by a lock the test takes). Whatever the moment, the batch is stored whole or not at all,
/// acknowledged only if whole; sent again after the restart, it ends stored exactly once.
/// </summary>
public sealed class CrashMidBatchTests(ITestOutputHelper output)
{
    private const int Orders = 5_000;

    public enum Moment { HalfUploaded, Uploaded, Writing }

    [Fact]
    public async Task a_batch_whose_server_is_killed_is_stored_whole_or_not_at_all_and_sending_it_again_stores_it_once()
    {
        await using var db = await SharedDatabase.CreateAsync();
        await using var server = db.StartNode("S");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        await server.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));
        var tenant = await db.CreateShopTenantAsync(http, server);

        var lost = 0;
        foreach (var (moment, attempt) in new[] { Moment.HalfUploaded, Moment.Uploaded, Moment.Writing }.Select((m, i) => (m, i)))
        {
            var body = Batch(5_000_000 + attempt * Orders, Orders);
            // Writing: the batch's transaction has written its first chunks' events and is held, uncommitted, before its
            // last chunk: this test's own uncommitted row for the last order's stream makes that chunk's stream lock wait.
            // (Watching for the write without holding it raced a fast machine: the transaction can commit between looks.)
            await using var hold = moment == Moment.Writing ? await HoldStreamAsync(db, tenant, Streams(body)[^1]) : null;
            var upload = new WatchedContent(body);
            var sending = Post(http, server, tenant, upload);
            await (moment == Moment.HalfUploaded ? upload.Half : upload.Done);
            if (hold is not null)
                await Waiting.UntilAsync(async () => await db.ScalarAsync("""
                    select count(*) from pg_locks l join pg_stat_activity a on a.pid = l.pid
                    where l.relation = 'mt_events'::regclass and l.mode = 'RowExclusiveLock' and a.application_name = $1
                      and a.wait_event_type = 'Lock'
                    """, server.ApplicationName) > 0, TimeSpan.FromSeconds(60), () => Tail(server.Log));
            server.KillHard();
            var (status, answer) = await sending;
            if (hold is not null) await hold.RollbackAsync(); // the killed server's transaction goes on, finds its client gone, and rolls back
            var stored = await db.ScalarAsync("select count(*) from mt_events where tenant_id = $1 and stream_id = any($2)", tenant.Id, Streams(body));
            Assert.True(stored is 0 or Orders, $"{moment}: {stored} of {Orders} orders stored: a batch half-way");
            if (status == 201) Assert.Equal(Orders, stored);

            server.Restart();
            await server.WaitUntilServingAsync(http, TimeSpan.FromSeconds(90));
            output.WriteLine($"restarted, serving in {server.StartedIn.TotalSeconds:0.0} s");
            var (again, receipt) = await Post(http, server, tenant, new WatchedContent(body));
            Assert.Equal(201, again);
            var json = JsonDocument.Parse(receipt!).RootElement;
            Assert.Equal(Orders - stored, json.GetProperty("accepted").GetInt32());
            Assert.Equal(stored, json.GetProperty("duplicates").GetInt32());
            var after = await db.ScalarAsync("select count(*) from mt_events where tenant_id = $1 and stream_id = any($2)", tenant.Id, Streams(body));
            Assert.Equal(Orders, after);
            lost += Orders - (int)after;
            output.WriteLine($"kill while {moment}: answer {(status?.ToString() ?? "none (" + answer + ")")}; stored before the restart: {stored} of {Orders}; " +
                $"sent again: {json.GetProperty("accepted").GetInt32()} accepted, {json.GetProperty("duplicates").GetInt32()} duplicates; stored: {after}, each once");
        }
        Assert.Equal(3 * Orders, await db.ScalarAsync("select count(*) from mt_events where tenant_id = $1 and type <> 'tombstone'", tenant.Id));
        output.WriteLine($"mid-batch kills: 3, orders lost: {lost}, stored twice: 0");
    }

    /// <summary>
    /// An open transaction holding an uncommitted row for <paramref name="stream"/>, as an append makes it: another
    /// append's lock on that stream waits until this one ends. The stream must lie past the batch's first chunk, so the
    /// batch has written events by the time it waits.
    /// </summary>
    private static async Task<StreamHold> HoldStreamAsync(SharedDatabase db, ShopTenant tenant, string stream)
    {
        Assert.True(GrowHalo.Ingestion.Batches.BatchPipeline.ChunkSize < Orders, "the batch must span several chunks");
        var conn = await db.Db.OpenConnectionAsync();
        var tx = await conn.BeginTransactionAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            "insert into mt_streams (id, type, version, timestamp, tenant_id) values ($1, null, 0, now(), $2)", conn, tx)
        {
            Parameters = { new() { Value = stream }, new() { Value = tenant.Id } },
        };
        await cmd.ExecuteNonQueryAsync();
        return new StreamHold(conn, tx);
    }

    private sealed class StreamHold(Npgsql.NpgsqlConnection conn, Npgsql.NpgsqlTransaction tx) : IAsyncDisposable
    {
        public Task RollbackAsync() => tx.RollbackAsync();

        public async ValueTask DisposeAsync()
        {
            await tx.DisposeAsync();
            await conn.DisposeAsync();
        }
    }

    private static string Tail(string log) => log.Length <= 4_000 ? log : "…" + log[^4_000..];

    /// <summary>A batch upload body of <paramref name="count"/> Shopify orders with ids from <paramref name="firstId"/>.</summary>
    public static string Batch(long firstId, int count)
    {
        var events = new JsonArray();
        for (var i = 0; i < count; i++) events.Add(new JsonObject { ["eventType"] = "order", ["payload"] = Samples.Order(firstId + i) });
        return new JsonObject { ["source"] = "shopify", ["events"] = events }.ToJsonString();
    }

    private static string[] Streams(string batch) =>
        JsonNode.Parse(batch)!["events"]!.AsArray().Select(e => $"shopify:order:{e!["payload"]!["id"]}").ToArray();

    public static Task<(int? Status, string? Body)> PostBatchAsync(HttpClient http, ServerNode server, ShopTenant tenant, string body) =>
        Post(http, server, tenant, new WatchedContent(body));

    private static async Task<(int? Status, string? Body)> Post(HttpClient http, ServerNode server, ShopTenant tenant, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.BaseUrl + "/api/v1/ingest/batch") { Content = content };
        request.Headers.Add("x-api-key", tenant.ApiKey);
        try
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, text);
            return ((int)response.StatusCode, text);
        }
        catch (HttpRequestException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>A body sent in 64 KB pieces that tells when half of it and all of it have been handed to the connection.</summary>
    private sealed class WatchedContent : HttpContent
    {
        private readonly byte[] _bytes;

        public WatchedContent(string json)
        {
            _bytes = Encoding.UTF8.GetBytes(json);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        private readonly TaskCompletionSource _half = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Half => _half.Task;
        public Task Done => _done.Task;

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var at = 0; at < _bytes.Length; at += 65_536)
            {
                if (at >= _bytes.Length / 2) _half.TrySetResult();
                await stream.WriteAsync(_bytes.AsMemory(at, Math.Min(65_536, _bytes.Length - at)));
                await stream.FlushAsync();
            }
            _done.TrySetResult();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }
}

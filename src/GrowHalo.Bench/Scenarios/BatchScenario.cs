using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using GrowHalo.Bench.Server;
using GrowHalo.Bench.Setup;
using GrowHalo.Ingestion;
using GrowHalo.Ingestion.Adapters;
using Marten;

namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// Events/s through POST /api/v1/ingest/batch: 1,000 simulator Shopify orders per request, one client after the other,
/// over real HTTP to a GrowHalo server process (Kestrel on loopback, rate limits, API-key auth, parsing, validation,
/// append, batch record, answer after commit). Two phases on one database:
///  1. the ingest path: the server with its projection daemon off (the bench holds Marten's daemon lock, so the
///     server is a standby node, see <see cref="DaemonLock"/>), in rounds alternating with the ceiling — binary COPY
///     of the very same event rows into a table shaped like mt_events (see <see cref="CopyCeiling"/>) — so both see
///     the same background load on a shared machine. The ratio of the two is the figure the target is about.
///  2. as deployed: the server with its daemon on (once it has caught up with phase 1), which projects every batch
///     into the read models while the next ones arrive, on the same two cores.
/// </summary>
public sealed class BatchScenario : IScenario
{
    private const int BatchSize = 1000;
    private const int WarmUpBatches = 5;
    private const int Rounds = 10;
    public string Name => "batch";
    public string Description => "events/s through POST /api/v1/ingest/batch (1,000 Shopify orders a request) vs binary COPY of the same rows";

    public async Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var batches = Math.Max(10, (int)(100 * context.Scale));
        var deployedBatches = Math.Max(10, batches / 2);
        var db = await context.CreateDatabaseAsync(ct);
        var tenant = await BenchTenant.CreateAsync(db.DataSource, "Batch Bench", ct: ct);

        var chunks = SimPayloads.Orders((WarmUpBatches + batches + deployedBatches) * BatchSize, days: 365)
            .Select(o => o.ToJsonString()).Chunk(BatchSize).ToList();
        var bodies = chunks.Select(Body).ToList();
        context.Log($"batch: {chunks.Count * BatchSize:N0} orders, {bodies.Sum(b => (long)b.Length) / (chunks.Count * BatchSize):N0} bytes each on the wire");
        var rows = chunks.Skip(WarmUpBatches).Take(batches).Select(chunk => Rows(db.Store, tenant.Id, chunk)).ToList();
        var measured = bodies.Skip(WarmUpBatches).Take(batches).ToList();

        // 1. The ingest path against the ceiling, in alternating rounds.
        var latencies = new List<double>();
        TimeSpan copyTime = TimeSpan.Zero, batchTime = TimeSpan.Zero;
        await using (var daemonOff = await DaemonLock.HoldAsync(db, ct))
        await using (var server = await GrowHaloServer.StartAsync("batch-ingest", db.ConnectionString, ct: ct))
        {
            using var http = server.Client(tenant.ApiKey);
            foreach (var body in bodies.Take(WarmUpBatches)) await PostAsync(http, body, ct);
            await CopyCeiling.CreateTableAsync(db.DataSource, ct);
            var perRound = Math.Max(1, batches / Rounds);
            for (var start = 0; start < batches; start += perRound)
            {
                var count = Math.Min(perRound, batches - start);
                copyTime += await CopyCeiling.CopyAsync(db.DataSource, tenant.Id, rows.GetRange(start, count), ct);
                batchTime += await PostAllAsync(http, measured.GetRange(start, count), latencies, ct);
            }
            await using var projected = db.DataSource.CreateCommand("select count(*) from mt_event_progression where name like '%:All' and last_seq_id > 0");
            if ((long)(await projected.ExecuteScalarAsync(ct))! > 0)
                throw new InvalidOperationException("The server ran its projections during the ingest phase, which is measured with them off.");
        }
        await CheckSameRowsAsync(db, batches * BatchSize, ct);

        // 2. As deployed: the daemon catches up with phase 1 first, then projects as the batches arrive.
        var deployedLatencies = new List<double>();
        TimeSpan deployedTime;
        await using (var server = await GrowHaloServer.StartAsync("batch-deployed", db.ConnectionString, ct: ct))
        {
            using var http = server.Client(tenant.ApiKey);
            await server.WaitForProjectionsAsync(TimeSpan.FromMinutes(10), ct);
            server.Memory.ResetPeak();
            deployedTime = await PostAllAsync(http, bodies.Skip(WarmUpBatches + batches).ToList(), deployedLatencies, ct);
            context.RecordPeak("batch", server.Memory.PeakBytes);
        }

        var events = batches * BatchSize;
        var perSecond = events / batchTime.TotalSeconds;
        var ceiling = events / copyTime.TotalSeconds;
        var ratio = perSecond / ceiling;
        var run = new Measure.Run(events, batches, batchTime, latencies);
        var deployed = new Measure.Run(deployedBatches * BatchSize, deployedBatches, deployedTime, deployedLatencies);
        return
        [
            new(Name, "POST /ingest/batch, 1,000 orders a request", perSecond, "events/s",
                $"{events:N0} events in {batches} requests, one client, daemon off; per request p50 {run.Percentile(50):0} ms, p99 {run.Percentile(99):0} ms"),
            new(Name, "ceiling: binary COPY of the same rows", ceiling, "rows/s",
                $"{events:N0} rows in {batches} COPYs of 1,000, one connection, into a table like mt_events (same indexes), alternating with the above"),
            new(Name, "batch ÷ COPY ceiling", ratio * 100, "%", "the whole HTTP ingest path against raw COPY of its rows", "≥ 50%", ratio >= 0.5),
            new(Name, "POST /ingest/batch as deployed (daemon on)", deployed.PerSecond, "events/s",
                $"{deployed.Items:N0} events in {deployedBatches} requests while the daemon projects them; p50 {deployed.Percentile(50):0} ms, p99 {deployed.Percentile(99):0} ms"),
        ];
    }

    /// <summary>The rows the batch endpoint stores for these orders in mt_events (same ids, streams, bodies and headers).</summary>
    private static CopyCeiling.Row[] Rows(DocumentStore store, string tenantId, string[] orders)
    {
        var context = new RecordContext(Channels.Batch, DateTimeOffset.UtcNow, BatchId: Guid.CreateVersion7());
        return orders.Select(json =>
        {
            using var doc = JsonDocument.Parse(json);
            var adapted = SourceAdapters.ToEvent(tenantId, Sources.Shopify, Resources.Order, doc.RootElement.Clone(), context);
            return CopyCeiling.ToRow(store, adapted.Event ?? throw new InvalidOperationException("a simulator order did not validate"));
        }).ToArray();
    }

    /// <summary>
    /// The ceiling copied the rows the server stored: for every copied row, an event with its id, tenant, stream,
    /// version, type names, body (but for when it was received) and header names.
    /// </summary>
    private static async Task CheckSameRowsAsync(BenchDatabase db, long expected, CancellationToken ct)
    {
        await using var cmd = db.DataSource.CreateCommand("""
            select count(*) from bench_copy_ceiling c join mt_events e on e.id = c.id
            where e.tenant_id = c.tenant_id and e.stream_id = c.stream_id and e.version = c.version and e.type = c.type
              and e.mt_dotnet_type is not distinct from c.mt_dotnet_type
              and e.data - 'received_at' = c.data - 'received_at'
              and array(select jsonb_object_keys(e.headers) order by 1) = array(select jsonb_object_keys(c.headers) order by 1)
            """);
        var same = (long)(await cmd.ExecuteScalarAsync(ct))!;
        if (same != expected)
            throw new InvalidOperationException($"Of {expected:N0} rows the COPY ceiling wrote, {same:N0} match the events the server stored: the ceiling is not copying the same rows.");
    }

    private static byte[] Body(string[] orders)
    {
        var body = new StringBuilder(orders.Sum(o => o.Length + 40) + 64).Append("{\"source\":\"shopify\",\"events\":[");
        for (var i = 0; i < orders.Length; i++)
            body.Append(i == 0 ? "" : ",").Append("{\"eventType\":\"order\",\"payload\":").Append(orders[i]).Append('}');
        return Encoding.UTF8.GetBytes(body.Append("]}").ToString());
    }

    private static async Task<TimeSpan> PostAllAsync(HttpClient http, IEnumerable<byte[]> bodies, List<double> latencies, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        foreach (var body in bodies)
        {
            var one = Stopwatch.StartNew();
            await PostAsync(http, body, ct);
            latencies.Add(one.Elapsed.TotalMilliseconds);
        }
        return clock.Elapsed;
    }

    private static async Task PostAsync(HttpClient http, byte[] body, CancellationToken ct)
    {
        using var content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };
        using var response = await http.PostAsync("/api/v1/ingest/batch", content, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"POST /api/v1/ingest/batch answered {(int)response.StatusCode}: {text[..Math.Min(500, text.Length)]}");
        var accepted = JsonDocument.Parse(text).RootElement.GetProperty("accepted").GetInt32();
        if (accepted != BatchSize) throw new InvalidOperationException($"A batch of {BatchSize} new orders accepted {accepted}: {text[..Math.Min(500, text.Length)]}");
    }
}

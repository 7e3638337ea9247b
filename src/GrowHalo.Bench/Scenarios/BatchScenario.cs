using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using GrowHalo.Bench.Server;
using GrowHalo.Bench.Setup;
using GrowHalo.Ingestion;
using GrowHalo.Ingestion.Adapters;

namespace GrowHalo.Bench.Scenarios;

/// <summary>
/// Events/s through POST /api/v1/ingest/batch: 1,000 simulator Shopify orders per request, one client after the other,
/// over real HTTP to a GrowHalo server process (Kestrel on loopback, API-key auth, parsing, validation, append, batch
/// record, answer after commit; its projection daemon running as in production). In the same run, on the same
/// database server, the ceiling: binary COPY of the same event rows (see <see cref="CopyCeiling"/>).
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
        var db = await context.CreateDatabaseAsync(ct);
        var tenant = await BenchTenant.CreateAsync(db.DataSource, "Batch Bench", ct: ct);

        var orders = SimPayloads.Orders((batches + WarmUpBatches) * BatchSize, days: 365).Select(o => o.ToJsonString()).ToList();
        var chunks = orders.Chunk(BatchSize).ToList();
        var bodies = chunks.Select(Body).ToList();
        context.Log($"{orders.Count:N0} orders, {bodies.Sum(b => (long)b.Length) / orders.Count:N0} bytes each on the wire");

        // The ceiling: the same orders as the events the batch endpoint makes of them.
        var receivedAt = DateTimeOffset.UtcNow;
        var rows = chunks.Skip(WarmUpBatches).Select(chunk => chunk.Select(json =>
        {
            using var doc = JsonDocument.Parse(json);
            var adapted = SourceAdapters.ToEvent(tenant.Id, Sources.Shopify, Resources.Order, doc.RootElement.Clone(),
                new RecordContext(Channels.Batch, receivedAt, BatchId: Guid.CreateVersion7()));
            return CopyCeiling.ToRow(adapted.Event ?? throw new InvalidOperationException("a simulator order did not validate"));
        }).ToArray()).ToList();
        await using var server = await GrowHaloServer.StartAsync(Name, db.ConnectionString, ct: ct);
        using var http = server.Client(tenant.ApiKey);
        foreach (var body in bodies.Take(WarmUpBatches)) await PostAsync(http, body, ct);
        server.Memory.ResetPeak();

        // Rounds of COPY and batch blocks, so that both see the same background load on a shared machine. Each block
        // starts with the projections caught up: the COPY block is not slowed by the daemon, and the batch block pays
        // for the daemon projecting its own events meanwhile, as a deployed server does.
        var measured = bodies.Skip(WarmUpBatches).ToList();
        var latencies = new List<double>();
        TimeSpan copyTime = TimeSpan.Zero, batchTime = TimeSpan.Zero;
        var perRound = Math.Max(1, batches / Rounds);
        await CopyCeiling.CreateTableAsync(db.DataSource, ct);
        for (var start = 0; start < batches; start += perRound)
        {
            var count = Math.Min(perRound, batches - start);
            await server.WaitForProjectionsAsync(TimeSpan.FromMinutes(2), ct);
            copyTime += await CopyCeiling.CopyAsync(db.DataSource, tenant.Id, rows.GetRange(start, count), ct);
            await server.WaitForProjectionsAsync(TimeSpan.FromMinutes(2), ct);
            var clock = Stopwatch.StartNew();
            foreach (var body in measured.GetRange(start, count))
            {
                var one = Stopwatch.StartNew();
                await PostAsync(http, body, ct);
                latencies.Add(one.Elapsed.TotalMilliseconds);
            }
            batchTime += clock.Elapsed;
        }
        var events = batches * BatchSize;
        var perSecond = events / batchTime.TotalSeconds;
        var ceiling = events / copyTime.TotalSeconds;
        var ratio = perSecond / ceiling;
        context.RecordPeak("batch", server.Memory.PeakBytes);
        var run = new Measure.Run(events, batches, batchTime, latencies);
        return
        [
            new(Name, "POST /ingest/batch, 1,000 orders a request", perSecond, "events/s",
                $"{events:N0} events in {batches} requests, one client, {batchTime.TotalSeconds:0.0} s; per request p50 {run.Percentile(50):0} ms, p99 {run.Percentile(99):0} ms"),
            new(Name, "ceiling: binary COPY of the same rows", ceiling, "rows/s",
                $"{events:N0} rows in {batches} COPYs of 1,000, one connection, {copyTime.TotalSeconds:0.0} s, into a copy of events (same indexes)"),
            new(Name, "batch ÷ COPY ceiling", ratio * 100, "%", "how close the whole HTTP ingest path comes to raw COPY", "≥ 50%", ratio >= 0.5),
        ];
    }

    private static byte[] Body(string[] orders)
    {
        var body = new StringBuilder(orders.Sum(o => o.Length + 40) + 64).Append("{\"source\":\"shopify\",\"events\":[");
        for (var i = 0; i < orders.Length; i++)
            body.Append(i == 0 ? "" : ",").Append("{\"eventType\":\"order\",\"payload\":").Append(orders[i]).Append('}');
        return Encoding.UTF8.GetBytes(body.Append("]}").ToString());
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

using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Bench.Server;

namespace GrowHalo.Bench.Scenarios.Soak;

/// <summary>Requests per second of each kind at --scale 1; the soak multiplies them by the scale.</summary>
public sealed record SoakRates(double Webhooks = 40, double BatchesPerSecond = 0.5, int OrdersPerBatch = 100, double Queries = 5, int LiveClients = 3)
{
    public SoakRates Scaled(double scale) => this with
    {
        Webhooks = Webhooks * scale, BatchesPerSecond = BatchesPerSecond * scale, Queries = Queries * scale,
        LiveClients = Math.Max(1, (int)Math.Round(LiveClients * scale)),
    };
}

/// <summary>
/// The soak's clients, each paced at its rate until told to stop: signed Shopify webhooks (tenant W), batch uploads
/// (tenant B), metrics and status queries and the dashboard page, and SSE clients on W's live stream. A request under
/// way when the stop comes is finished and counted, so "acknowledged" is exact. Polling needs no client: the server
/// polls the stand-in platforms for tenant P by itself.
/// </summary>
public sealed class SoakLoad(GrowHaloServer server, SoakRecorder recorder, SoakRates rates, SoakTenants tenants, IReadOnlyList<string> orders)
{
    private long _nextOrderId = 7_000_000_000_000;
    private long _webhooksAcked;
    private long _batchEventsAccepted;
    private long _liveChanges;
    private long _liveDrops;
    private readonly List<double>[] _liveChangesAt = Enumerable.Range(0, rates.LiveClients).Select(_ => new List<double>()).ToArray();

    public long WebhooksAcked => Interlocked.Read(ref _webhooksAcked);
    public long BatchEventsAccepted => Interlocked.Read(ref _batchEventsAccepted);
    public long LiveChanges => Interlocked.Read(ref _liveChanges);
    public long LiveDrops => Interlocked.Read(ref _liveDrops);

    /// <summary>When each live client got a "changed" event (seconds since the load started).</summary>
    public IReadOnlyList<IReadOnlyList<double>> LiveChangesAt => _liveChangesAt.Select(l => { lock (l) return (IReadOnlyList<double>)l.ToList(); }).ToList();

    public Task RunAsync(CancellationToken stop)
    {
        const int webhookWorkers = 4;
        var tasks = new List<Task>();
        for (var w = 0; w < webhookWorkers; w++) tasks.Add(PacedAsync(rates.Webhooks / webhookWorkers, SendWebhookAsync, stop));
        tasks.Add(PacedAsync(rates.BatchesPerSecond, SendBatchAsync, stop));
        tasks.Add(PacedAsync(rates.Queries, SendQueryAsync, stop));
        for (var c = 0; c < rates.LiveClients; c++) tasks.Add(ListenAsync(c, stop));
        return Task.WhenAll(tasks);
    }

    private readonly HttpClient _http = server.Client(maxConnections: 64);
    private readonly HttpClient _webhookTenant = server.Client(tenants.Webhooks.ApiKey);
    private readonly HttpClient _batchTenant = server.Client(tenants.Batches.ApiKey);
    private readonly HttpClient _pollingTenant = server.Client(tenants.Polling.ApiKey);

    /// <summary>One send per 1/perSecond s, one at a time; a worker that fell behind catches up at once.</summary>
    private static Task PacedAsync(double perSecond, Func<long, Task> send, CancellationToken stop) => Task.Run(async () =>
    {
        if (perSecond <= 0) return;
        var clock = Stopwatch.StartNew();
        for (long n = 0; !stop.IsCancellationRequested; n++)
        {
            var wait = TimeSpan.FromSeconds(n / perSecond) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try { await Task.Delay(wait, stop); }
                catch (OperationCanceledException) { return; }
            }
            await send(n);
        }
    });

    /// <summary>A simulator order under a new id: a new order to GrowHalo, every time.</summary>
    private string NewOrder(long n)
    {
        var order = JsonNode.Parse(orders[(int)(n % orders.Count)])!.AsObject();
        var id = Interlocked.Increment(ref _nextOrderId);
        order["id"] = id;
        order["admin_graphql_api_id"] = $"gid://shopify/Order/{id}";
        return order.ToJsonString();
    }

    private async Task SendWebhookAsync(long n)
    {
        var body = Encoding.UTF8.GetBytes(NewOrder(n));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/webhook/shopify")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
        };
        request.Headers.Add("X-Shopify-Topic", "orders/create");
        request.Headers.Add("X-Shopify-Hmac-Sha256", Convert.ToBase64String(HMACSHA256.HashData(tenants.WebhookKey, body)));
        request.Headers.Add("X-Shopify-Shop-Domain", SoakTenants.WebhookShop);
        request.Headers.Add("X-Shopify-Webhook-Id", Guid.NewGuid().ToString());
        request.Headers.Add("X-Shopify-API-Version", "2025-10");
        await SendAsync("webhook", _http, request, HttpStatusCode.Created, _ => Interlocked.Increment(ref _webhooksAcked));
    }

    private async Task SendBatchAsync(long n)
    {
        var body = new StringBuilder("{\"source\":\"shopify\",\"events\":[");
        for (var i = 0; i < rates.OrdersPerBatch; i++)
            body.Append(i == 0 ? "" : ",").Append("{\"eventType\":\"order\",\"payload\":").Append(NewOrder(n * rates.OrdersPerBatch + i)).Append('}');
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/batch")
        {
            Content = new StringContent(body.Append("]}").ToString(), Encoding.UTF8, "application/json"),
        };
        await SendAsync("batch", _batchTenant, request, HttpStatusCode.Created, answer =>
        {
            using var json = JsonDocument.Parse(answer);
            Interlocked.Add(ref _batchEventsAccepted, json.RootElement.GetProperty("accepted").GetInt32());
        });
    }

    private static readonly string[] Queries = ["metrics summary", "metrics series", "ad-spend breakdown", "ingest status", "dashboard page"];

    private async Task SendQueryAsync(long n)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var (kind, client, url) = Queries[n % Queries.Length] switch
        {
            "metrics summary" => ("metrics summary", _webhookTenant, "/api/v1/metrics/summary?period=last_30_days"),
            "metrics series" => ("metrics series", _webhookTenant, $"/api/v1/metrics?start={today.AddDays(-90):yyyy-MM-dd}&end={today:yyyy-MM-dd}&granularity=daily"),
            "ad-spend breakdown" => ("ad-spend breakdown", _pollingTenant, $"/api/v1/metrics/ad-spend?start={today.AddDays(-30):yyyy-MM-dd}&end={today:yyyy-MM-dd}&group_by=source"),
            "ingest status" => ("ingest status", _pollingTenant, "/api/v1/ingest/status"),
            _ => ("dashboard page", _http, "/dashboard"),
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        await SendAsync(kind, client, request, HttpStatusCode.OK, null);
    }

    /// <summary>Sends one request to its end (even when the load is stopping) and records it.</summary>
    private async Task SendAsync(string kind, HttpClient client, HttpRequestMessage request, HttpStatusCode expected, Action<string>? acknowledged)
    {
        var started = recorder.Now;
        try
        {
            using var response = await client.SendAsync(request, CancellationToken.None);
            var answer = await response.Content.ReadAsStringAsync(CancellationToken.None);
            var ok = response.StatusCode == expected;
            if (ok) acknowledged?.Invoke(answer);
            recorder.Record(kind, started, ok, ok ? null : $"{(int)response.StatusCode} {answer[..Math.Min(200, answer.Length)]}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            recorder.Record(kind, started, false, e.GetType().Name + " " + e.Message);
        }
    }

    /// <summary>A dashboard tab: W's live stream, counting "changed" events; a stream that ends early is a drop, and it reconnects.</summary>
    private Task ListenAsync(int client, CancellationToken stop) => Task.Run(async () =>
    {
        using var http = server.Client(tenants.Webhooks.ApiKey);
        http.Timeout = Timeout.InfiniteTimeSpan;
        while (!stop.IsCancellationRequested)
        {
            var started = recorder.Now;
            try
            {
                using var response = await http.GetAsync("/dashboard/live", HttpCompletionOption.ResponseHeadersRead, stop);
                recorder.Record("live connect", started, response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}");
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop));
                while (await reader.ReadLineAsync(stop) is { } line)
                {
                    if (line != "event: changed") continue;
                    Interlocked.Increment(ref _liveChanges);
                    lock (_liveChangesAt[client]) _liveChangesAt[client].Add(recorder.Now);
                }
                if (!stop.IsCancellationRequested) Interlocked.Increment(ref _liveDrops);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                Interlocked.Increment(ref _liveDrops);
                recorder.Record("live connect", started, false, e.GetType().Name);
            }
            try { await Task.Delay(1000, stop); }
            catch (OperationCanceledException) { return; }
        }
    });
}

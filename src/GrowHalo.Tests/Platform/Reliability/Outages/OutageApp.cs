using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using GrowHalo.Platform.Database;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Ingestion;
using Microsoft.Extensions.DependencyInjection;

namespace GrowHalo.Tests.Platform.Reliability.Outages;

/// <summary>
/// The real GrowHalo host (HTTP pipeline, daemon, background services) on a PostgreSQL server of its own, which the
/// tests stop, start again and lock: the shared test server serves every other class and must never be stopped.
/// </summary>
public sealed class OutageApp : IngestionApp
{
    public LocalPostgres Postgres { get; private set; } = null!;

    /// <summary>Every log event, request lines included (a shed webhook's at Error, an accepted one's at Debug).</summary>
    public GrowHalo.Tests.Platform.Tenancy.LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s => s.AddSingleton<Serilog.Core.ILogEventSink>(Logs));
    }

    protected override async Task<string> CreateDatabaseAsync()
    {
        Postgres = await TestPostgres.StartServerAsync();
        return await TestPostgres.CreateDatabaseAsync(Postgres);
    }

    /// <summary>/health/ready as a load balancer sees it: status, the problem's detail or the summed projection lag, Retry-After.</summary>
    public async Task<(int Status, string? Detail, long Lag, string? RetryAfter)> ReadinessAsync()
    {
        using var client = CreateClient();
        using var response = await client.GetAsync("/health/ready");
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var lag = json.TryGetProperty("projections", out var projections)
            ? projections.EnumerateArray().Sum(p => p.GetProperty("lag_events").GetInt64()) : -1;
        return ((int)response.StatusCode, json.TryGetProperty("detail", out var d) ? d.GetString() : null, lag,
            response.Headers.RetryAfter?.ToString());
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Postgres is not null) await Postgres.DisposeAsync();
    }
}

/// <summary>The outage tests share one host and one server of their own, one test at a time (they stop and lock it).</summary>
[CollectionDefinition(Name)]
public sealed class OutageCollection : ICollectionFixture<OutageApp>
{
    public const string Name = "outages";
}

/// <summary>One webhook's fate: the order it carried, its answer (0: no answer within 15 s), how long the answer took.</summary>
public sealed record Delivery(long OrderId, int Status, TimeSpan Took, string? RetryAfter, string? ContentType, string Body, long SentAt, long AnsweredAt)
{
    public bool Acknowledged => Status is >= 200 and < 300;
}

/// <summary>
/// Senders that deliver distinct Shopify order webhooks back to back, as a shop on a busy day would, until stopped;
/// every delivery's answer is kept. Times are <see cref="Stopwatch.GetTimestamp"/> ticks.
/// </summary>
public sealed class WebhookLoad(OutageApp app, string shop, string secret, long firstOrderId, int senders = 3) : IAsyncDisposable
{
    private readonly List<Delivery> _deliveries = [];
    private readonly CancellationTokenSource _stop = new();
    private long _next = firstOrderId;
    private Task[] _running = [];

    public void Start() => _running = Enumerable.Range(0, senders).Select(_ => Task.Run(SendUntilStoppedAsync)).ToArray();

    public IReadOnlyList<Delivery> Deliveries { get { lock (_deliveries) return _deliveries.ToList(); } }

    public async Task<IReadOnlyList<Delivery>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
        return Deliveries;
    }

    /// <summary>Waits until a webhook sent after <paramref name="since"/> is acknowledged; returns when its answer came.</summary>
    public async Task<long> FirstAcknowledgedAfterAsync(long since, TimeSpan within)
    {
        var until = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            if (Deliveries.Where(d => d.SentAt >= since && d.Acknowledged).Select(d => d.AnsweredAt).DefaultIfEmpty().Min() is > 0 and var at) return at;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No webhook was acknowledged within {within.TotalSeconds} s: {Summary(Deliveries)}");
    }

    public async Task WaitForAcknowledgedAsync(int count)
    {
        for (var i = 0; i < 600 && Deliveries.Count(d => d.Acknowledged) < count; i++) await Task.Delay(50);
        Assert.True(Deliveries.Count(d => d.Acknowledged) >= count, Summary(Deliveries));
    }

    public static string Summary(IEnumerable<Delivery> deliveries) =>
        string.Join(", ", deliveries.GroupBy(d => d.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));

    private async Task SendUntilStoppedAsync()
    {
        using var client = app.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(15); // a hang is recorded as status 0, not waited out
        while (!_stop.IsCancellationRequested)
        {
            var orderId = Interlocked.Increment(ref _next);
            var webhook = IngestionApp.ShopifyWebhook(shop, "orders/create", Samples.Order(orderId).ToJsonString(), secret, Guid.NewGuid().ToString());
            using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new StringContent(webhook.Body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(webhook.ContentType);
            foreach (var (name, value) in webhook.Headers) request.Headers.TryAddWithoutValidation(name, value);
            var sentAt = Stopwatch.GetTimestamp();
            Delivery delivery;
            try
            {
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                delivery = new Delivery(orderId, (int)response.StatusCode, Stopwatch.GetElapsedTime(sentAt), response.Headers.RetryAfter?.ToString(),
                    response.Content.Headers.ContentType?.MediaType, body, sentAt, Stopwatch.GetTimestamp());
            }
            catch (TaskCanceledException)
            {
                delivery = new Delivery(orderId, 0, Stopwatch.GetElapsedTime(sentAt), null, null, "no answer", sentAt, Stopwatch.GetTimestamp());
            }
            lock (_deliveries) _deliveries.Add(delivery);
            await Task.Delay(40); // a steady stream, not a flood that would only measure the 2 cores
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }
}

using System.Threading.Channels;
using GrowHalo.Platform.Database;
using GrowHalo.Platform.Events;
using GrowHalo.Platform.Tenancy;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowHalo.Ingestion.Webhooks;

/// <summary>Settings under <c>Webhooks</c>.</summary>
public sealed class WebhookAppendOptions
{
    /// <summary>Webhooks waiting for a writer; past this, a request waits to be queued (back-pressure, never a drop).</summary>
    public int QueueLimit { get; set; } = 4096;
    /// <summary>Writers, each with one open transaction at a time: while one commits, the next group gathers.</summary>
    public int Writers { get; set; } = 2;
    /// <summary>A writer takes what is waiting up to this many events (one request's events are never split).</summary>
    public int MaxEventsPerGroup { get; set; } = 1000;
}

/// <summary>
/// Group commit for webhooks. A request hands its validated events to the queue and waits; a writer takes everything
/// waiting, appends each tenant's share in one transaction of that tenant (<see cref="WebhookGroupAppend"/>: one
/// append, its ledger, one commit), and only after the commit answers each request with its own events' outcomes.
/// Under load, one transaction and commit then serve dozens of webhooks instead of one each.
/// <para>Promises kept from the one-transaction-per-webhook path: an answer means committed; a webhook's events are
/// all stored or none; the same event id twice in one group is appended once and the other request is told
/// "duplicate"; a group whose transaction fails is retried one request at a time, so only the bad one fails.</para>
/// <para>Once a request is queued it is written even if its caller gives up, unless its group has not begun yet (then
/// it is dropped, stored nowhere, and answered cancelled). A webhook's budget (<see cref="WebhookDeadline"/>) is the
/// exception: its request is answered 503 at the deadline, and a group's transaction is cancelled once the last of its
/// requests is past its deadline. Shutdown stops taking requests and writes what is queued.</para>
/// <para>Public only so the webhook endpoint (a public Wolverine endpoint) can take it as a parameter.</para>
/// </summary>
public sealed class WebhookAppendQueue : IHostedService, IAsyncDisposable
{
    private readonly Channel<PendingWebhook> _channel;
    private readonly WebhookGroupAppend _append;
    private readonly WebhookAppendOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _startLock = new();
    private Task[]? _writers;

    public WebhookAppendQueue(TenantDatabases databases, EventAppender appender, IOptions<WebhookAppendOptions> options, ILogger<WebhookAppendQueue> logger)
        : this(databases, appender, options.Value, logger, startOnFirstUse: true)
    {
    }

    /// <param name="startOnFirstUse">False lets a test queue several requests before <see cref="Start"/>, so they form one group.</param>
    internal WebhookAppendQueue(TenantDatabases databases, EventAppender appender, WebhookAppendOptions options, ILogger logger, bool startOnFirstUse)
    {
        _options = options;
        _logger = logger;
        _append = new WebhookGroupAppend(databases, appender);
        _channel = Channel.CreateBounded<PendingWebhook>(new BoundedChannelOptions(Math.Max(1, options.QueueLimit))
        {
            FullMode = BoundedChannelFullMode.Wait, SingleReader = options.Writers <= 1, SingleWriter = false,
        });
        StartOnFirstUse = startOnFirstUse;
    }

    private bool StartOnFirstUse { get; }

    /// <summary>Appends a webhook's events with whatever else is waiting; returns after they are committed.</summary>
    /// <param name="deadline">When the request must be answered (<see cref="Environment.TickCount64"/>), if it has a budget
    /// (<see cref="WebhookDeadline"/>): then <paramref name="ct"/> fires at it, the wait ends there, and the group's
    /// transaction is cancelled once no request in it has time left.</param>
    /// <exception cref="WebhookQueueClosedException">The server is shutting down; nothing was stored.</exception>
    /// <param name="body">The body the events were made from, kept alive while the writer may still read them.</param>
    internal async Task<WebhookReceipt> AppendAsync(WebhookSender from, IReadOnlyList<NewEvent> events, DateTimeOffset at, CancellationToken ct,
        long? deadline = null, WebhookBody? body = null)
    {
        var pending = new PendingWebhook(from, events, at, ct, deadline);
        try
        {
            if (!_channel.Writer.TryWrite(pending)) await _channel.Writer.WriteAsync(pending, ct);
        }
        catch (ChannelClosedException)
        {
            throw new WebhookQueueClosedException();
        }
        if (StartOnFirstUse) Start();
        // Without a deadline, not cancellable from here on: the writer may already be committing these events, and the
        // answer must say so. With one, the request is answered 503 at its deadline instead; should its group still
        // commit, the sender's retry is a duplicate (ids are idempotent), so nothing acknowledged is lost or doubled.
        if (deadline is null) return await pending.Done.Task;
        try
        {
            return await pending.Done.Task.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (!pending.Done.Task.IsCompleted)
        {
            body?.KeepUntil(pending.Done.Task);
            throw;
        }
    }

    /// <summary>Starts the writers (once).</summary>
    internal void Start()
    {
        if (_writers is not null) return;
        lock (_startLock)
            _writers ??= Enumerable.Range(0, Math.Max(1, _options.Writers)).Select(_ => Task.Run(WriteAsync)).ToArray();
    }

    private async Task WriteAsync()
    {
        var reader = _channel.Reader;
        var taken = new List<PendingWebhook>();
        while (await reader.WaitToReadAsync())
        {
            taken.Clear();
            var events = 0;
            while (events < _options.MaxEventsPerGroup && reader.TryRead(out var next))
            {
                taken.Add(next);
                events += next.Events.Count;
            }
            try
            {
                foreach (var tenant in taken.GroupBy(p => p.From.TenantId))
                    await WriteGroupAsync(tenant.Key, tenant.ToList());
            }
            catch (Exception e)
            {
                // WriteGroupAsync answers every request itself; this only keeps a surprise from leaving callers waiting forever.
                _logger.LogError(e, "The webhook writer failed; answering the {Count} webhooks it held with the error", taken.Count);
                foreach (var pending in taken) pending.Done.TrySetException(e);
            }
        }
    }

    private async Task WriteGroupAsync(string tenantId, List<PendingWebhook> group)
    {
        var live = group.Where(p => !p.Caller.IsCancellationRequested || !p.Done.TrySetCanceled(p.Caller)).ToList();
        if (live.Count == 0) return;
        using var timeUp = TimeUp(live);
        try
        {
            var receipts = await _append.AppendAsync(tenantId, live, timeUp?.Token ?? CancellationToken.None);
            for (var i = 0; i < live.Count; i++) live[i].Done.TrySetResult(receipts[i]);
            return;
        }
        catch (Exception e) when (e is OperationCanceledException || DatabaseUnavailable.Is(e))
        {
            // The database is away or too slow: every request of the group is answered 503 (none alone would fare better).
            _logger.LogWarning("A group of {Count} webhooks for tenant {Tenant} was not stored: {Error}", live.Count, tenantId, e.GetBaseException().Message);
            foreach (var pending in live) pending.Done.TrySetException(e);
            return;
        }
        catch (Exception e) when (live.Count > 1)
        {
            _logger.LogWarning(e, "A group of {Count} webhooks for tenant {Tenant} failed; retrying each alone", live.Count, tenantId);
        }
        catch (Exception e)
        {
            live[0].Done.TrySetException(e);
            return;
        }
        foreach (var one in live)
        {
            try { one.Done.TrySetResult((await _append.AppendAsync(tenantId, [one], CancellationToken.None))[0]); }
            catch (Exception e) { one.Done.TrySetException(e); }
        }
    }

    /// <summary>
    /// Fires when the last request of the group runs out of time: past that, nobody waits for this transaction, and
    /// it would only hold a connection (and the locks it waits for) while new webhooks queue up behind it.
    /// </summary>
    private static CancellationTokenSource? TimeUp(List<PendingWebhook> group)
    {
        if (group.Any(p => p.Deadline is null)) return null;
        var left = group.Max(p => p.Deadline!.Value) - Environment.TickCount64;
        var timeUp = new CancellationTokenSource();
        timeUp.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(0, left)));
        return timeUp;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Graceful shutdown: no new requests; what is queued is written and answered before this returns.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _channel.Writer.TryComplete();
        if (_channel.Reader.Count > 0) Start();
        if (_writers is { } writers) await Task.WhenAll(writers).WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}

/// <summary>A webhook waiting for its group's commit.</summary>
internal sealed record PendingWebhook(WebhookSender From, IReadOnlyList<NewEvent> Events, DateTimeOffset At, CancellationToken Caller, long? Deadline = null)
{
    public TaskCompletionSource<WebhookReceipt> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The server is shutting down and takes no more webhooks; the sender should retry (Shopify does).</summary>
public sealed class WebhookQueueClosedException() : Exception("GrowHalo is shutting down and stores no more webhooks now. Retry shortly.");

using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Platform.Events;
using GrowHalo.Ingestion.Adapters;

namespace GrowHalo.Ingestion.Polling;

/// <summary>
/// One pass over one connection: turns each fetched page into events with the same adapters as webhooks and
/// batches (so a polled record and a batched one share their idempotency key), and commits page and cursor together.
/// </summary>
public sealed class PollPass(PollTarget target, PollCursorStore cursors, TimeProvider time, IPassProgress? progress = null)
{
    private long _unitsDone;

    public PollTarget Target => target;
    public int Pages { get; private set; }
    public int Appended { get; private set; }
    public int Duplicates { get; private set; }
    public int Rejected { get; private set; }

    /// <summary>Whether someone watches this pass (a sync run): only then do pollers ask for totals they would not need.</summary>
    public bool Watched => progress is not null;

    public Task TotalAsync(long total, CancellationToken ct) => progress?.TotalAsync(total, ct) ?? Task.CompletedTask;

    /// <summary>Units of the total done outside pages (an ad-platform chunk's days once its last page is in).</summary>
    public void Done(long units) => _unitsDone += units;

    /// <param name="step">What the page was, for a watcher ("orders page 7"); <paramref name="recordUnits"/>: the
    /// page's records count towards the total (Shopify's totals are record counts).</param>
    public async Task CommitAsync(string resource, IEnumerable<JsonElement> records, JsonObject cursor, CancellationToken ct,
        string? step = null, bool recordUnits = false)
    {
        var now = time.GetUtcNow();
        var events = new List<NewEvent>();
        var rejections = new List<Rejection>();
        var failed = 0;
        foreach (var record in records)
        {
            var adapted = SourceAdapters.ToEvent(target.TenantId, target.Connection.Source, resource, record, Channels.Poll, now,
                connectionId: target.ConnectionId);
            if (adapted.Event is not null) events.Add(adapted.Event);
            else failed++;
            rejections.AddRange(adapted.Errors.Select(e => new Rejection(null, null, resource, e.Field, e.Message)));
        }
        var (appended, duplicates) = await cursors.CommitPageAsync(target, events, failed, rejections, cursor, ct);
        Pages++;
        Appended += appended;
        Duplicates += duplicates;
        Rejected += failed;
        if (progress is null) return;
        var fetched = events.Count + failed;
        if (recordUnits) _unitsDone += fetched;
        await progress.PageAsync(step ?? $"{resource} page {Pages}", fetched, appended, _unitsDone, ct);
    }

    public PollOutcome Outcome(string? error = null) => new(target.ConnectionId, target.Connection.Source, Pages, Appended, Duplicates, Rejected, error);
}

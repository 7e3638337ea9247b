using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Platform.Events;
using GrowHalo.Ingestion.Adapters;

namespace GrowHalo.Ingestion.Polling;

/// <summary>
/// One pass over one connection: turns each fetched page into events with the same adapters as webhooks and
/// batches (so a polled record and a batched one share their idempotency key), and commits page and cursor together.
/// </summary>
public sealed class PollPass(PollTarget target, PollCursorStore cursors, TimeProvider time)
{
    public PollTarget Target => target;
    public int Pages { get; private set; }
    public int Appended { get; private set; }
    public int Duplicates { get; private set; }
    public int Rejected { get; private set; }

    public async Task CommitAsync(string resource, IEnumerable<JsonElement> records, JsonObject cursor, CancellationToken ct)
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
    }

    public PollOutcome Outcome(string? error = null) => new(target.ConnectionId, target.Connection.Source, Pages, Appended, Duplicates, Rejected, error);
}

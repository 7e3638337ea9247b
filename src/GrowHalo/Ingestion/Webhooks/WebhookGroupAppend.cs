using GrowHalo.Platform.Events;
using GrowHalo.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Ingestion.Webhooks;

/// <summary>
/// One tenant's waiting webhooks in one transaction of that tenant (<see cref="TenantDb"/>, so row-level security
/// holds): one append of all their events, the ledger's duplicate counts per connection, one commit. Each request's
/// receipt is its own slice of the append's per-event outcomes; the append reports an id repeated within the group
/// as appended the first time and duplicate after (<see cref="EventAppender"/>).
/// </summary>
internal sealed class WebhookGroupAppend(TenantDatabases databases, EventAppender appender)
{
    /// <summary>Receipts in the order of <paramref name="group"/>, once committed. Throws, storing nothing, when any part fails.</summary>
    /// <param name="timeUp">Cancels the transaction when no caller waits any more; never the commit itself, whose outcome
    /// would then be unknown.</param>
    public async Task<WebhookReceipt[]> AppendAsync(string tenantId, IReadOnlyList<PendingWebhook> group, CancellationToken timeUp)
    {
        var events = new List<NewEvent>(group.Sum(p => p.Events.Count));
        foreach (var pending in group) events.AddRange(pending.Events);

        // Not cancelled by the callers' own requests: they wait for this outcome whatever happens to them.
        await using var db = await TenantDb.BeginAsync(databases, tenantId, timeUp);
        var result = await appender.AppendAsync(db.Transaction, tenantId, events, ct: timeUp);
        var receipts = new WebhookReceipt[group.Count];
        var duplicates = new Dictionary<string, (long Count, DateTimeOffset At)>();
        var offset = 0;
        for (var i = 0; i < group.Count; i++)
        {
            var pending = group[i];
            var outcomes = result.Events.Skip(offset).Take(pending.Events.Count).ToList();
            offset += pending.Events.Count;
            receipts[i] = Receipt(pending, outcomes);
            if (receipts[i].Duplicates == 0) continue;
            var connection = pending.From.Connection?.Id ?? "";
            var (count, at) = duplicates.GetValueOrDefault(connection);
            duplicates[connection] = (count + receipts[i].Duplicates, at > pending.At ? at : pending.At);
        }
        foreach (var (connection, (count, at)) in duplicates.OrderBy(d => d.Key, StringComparer.Ordinal))
            await IngestLedger.RecordAsync(db.Transaction, tenantId, connection == "" ? null : connection, count, 0, [], at, timeUp);
        await db.CommitAsync(CancellationToken.None);
        return receipts;
    }

    private static WebhookReceipt Receipt(PendingWebhook pending, List<AppendOutcome> outcomes)
    {
        var appended = outcomes.Count(o => o.Status == AppendStatus.Appended);
        return new WebhookReceipt(appended > 0 || outcomes.Count == 0 ? "accepted" : "duplicate", pending.From.Connection?.Id, appended,
            outcomes.Count - appended,
            outcomes.Select(o => new WebhookReceiptEvent(o.Id, o.StreamId, o.Status == AppendStatus.Appended ? "appended" : "duplicate")).ToList());
    }
}

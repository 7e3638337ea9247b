using System.Text.Json;
using GrowHalo.Platform.Events;
using GrowHalo.Ingestion.Adapters;
using GrowHalo.Ingestion.Http;
using GrowHalo.Ingestion.Parsing;

namespace GrowHalo.Ingestion.Webhooks;

/// <summary>What a webhook became: 201 when something new was stored, 200 when it was all seen before.</summary>
public sealed record WebhookReceipt(string Status, string? ConnectionId, int Accepted, int Duplicates, IReadOnlyList<WebhookReceiptEvent> Events);

public sealed record WebhookReceiptEvent(Guid Id, string StreamId, string Status);

/// <summary>A webhook body, read once; parsed on first use.</summary>
internal sealed class WebhookBody(ReadOnlyMemory<byte> bytes) : IDisposable
{
    private JsonDocument? _document;
    private Task? _stillRead;

    /// <summary>
    /// The events made from this body hold its parsed JSON: when the request is answered before its group commit is
    /// done with them (its budget ran out), the document is released only after <paramref name="reader"/> ends.
    /// Released at once, its pooled buffer could be handed to another request while the writer still serialises it.
    /// </summary>
    public void KeepUntil(Task reader) => _stillRead = reader;

    public Attempt<JsonElement> Json()
    {
        if (_document is null)
        {
            var parsed = JsonBody.Parse(bytes);
            if (parsed.Problem is not null) return Attempt<JsonElement>.Fail(parsed.Problem);
            _document = parsed.Value!;
        }
        return _document.RootElement;
    }

    public void Dispose()
    {
        if (_stillRead is { IsCompleted: false } reader)
            reader.ContinueWith(_ => _document?.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        else
            _document?.Dispose();
    }
}

/// <summary>Turns a webhook's records into events (all valid, or none stored); <see cref="WebhookAppendQueue"/> appends them.</summary>
internal static class WebhookRecords
{
    public static (List<NewEvent>, List<FieldError>) Convert(string tenantId, WebhookScheme scheme, string? resource, JsonElement body,
        string? account, RecordContext context)
    {
        if (resource is null)
            return ([], [new FieldError("X-Shopify-Topic", $"must name a topic GrowHalo takes: {string.Join(", ", ShopifyTopics.All)}")]);
        if (scheme.Source == Sources.Shopify && body.ValueKind != JsonValueKind.Object)
            return ([], [new FieldError("body", "must be one Shopify record as a JSON object")]);
        var events = new List<NewEvent>();
        var errors = new List<FieldError>();
        foreach (var item in Envelopes.Unwrap(scheme.Source, resource, body))
        {
            if (item.Problem is { } problem)
            {
                errors.Add(new FieldError(item.Path, problem));
                continue;
            }
            if (scheme.AccountOf(item.Record) is { } said && account is not null && said != account)
            {
                errors.Add(new FieldError(item.FieldPath(scheme.AccountField.Split('|')[0]),
                    $"is '{said}' but this webhook is for '{account}': send each account's records with its own connection's headers and signature"));
                continue;
            }
            var adapted = SourceAdapters.ToEvent(tenantId, scheme.Source, resource, item.Record, context);
            if (adapted.Event is not null) events.Add(adapted.Event);
            else errors.AddRange(adapted.Errors.Select(e => e with { Field = item.FieldPath(e.Field) }));
        }
        return (events, errors);
    }
}

using System.Text.Json;
using GrowHalo.EventStore;
using GrowHalo.Ingestion.Adapters;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Http;
using GrowHalo.Ingestion.Parsing;
using GrowHalo.Platform.Tenancy;
using Npgsql;
using Store = GrowHalo.EventStore.EventStore;

namespace GrowHalo.Ingestion.Webhooks;

/// <summary>What a webhook became: 201 when something new was stored, 200 when it was all seen before.</summary>
public sealed record WebhookReceipt(string Status, string? ConnectionId, int Accepted, int Duplicates, IReadOnlyList<WebhookReceiptEvent> Events);

public sealed record WebhookReceiptEvent(Guid Id, string StreamId, string Status);

/// <summary>
/// POST /api/v1/ingest/webhook/{source}. Platforms send no API key: the sender is proven by a signature made with
/// its connection's secret (see <see cref="WebhookScheme"/>), or by an ingest-scope x-api-key for custom senders.
/// Anything unproven is a 401 and stores nothing. The body is read once as raw bytes, so the HMAC sees exactly what
/// was sent. All the records of a webhook are stored, or none; the answer comes after commit, and a redelivery is a 200.
/// </summary>
internal static class WebhookEndpoint
{
    public static void MapWebhooks(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/ingest/webhook/{source}", Receive).AllowAnonymous();

    private static async Task<IResult> Receive(string source, HttpContext context, ConnectionStore connections, NpgsqlDataSource db,
        TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var receivedAt = clock.GetUtcNow();
        var src = Sources.Normalize(source);
        if (src is null)
            return IngestProblems.NotFound($"Unknown source '{source}'. Webhooks are received at /api/v1/ingest/webhook/{{{string.Join("|", Sources.All)}}}.");
        var scheme = WebhookScheme.For(src);
        var request = context.Request;
        var byKey = request.Headers.ContainsKey(ApiKeyAuthentication.Header);
        if (!byKey && string.IsNullOrWhiteSpace(request.Headers[scheme.SignatureHeader]))
            return IngestProblems.Unauthorized($"A {src} webhook needs the platform's {scheme.SignatureHeader} signature header " +
                $"({scheme.Format}), or an x-api-key with the '{Scopes.Ingest}' scope.");
        if (JsonBody.CheckContentType(request) is { } wrongType) return wrongType;
        var bytes = await JsonBody.ReadAsync(context, JsonBody.WebhookLimit, ct);
        if (bytes.Problem is not null) return bytes.Problem;

        var resource = src == Sources.Shopify ? ShopifyTopics.ResourceOf(request.Headers["X-Shopify-Topic"]) : Resources.AdSpend;
        var headerAccount = scheme.AccountHeader is null ? null : AccountIds.Normalize(src, request.Headers[scheme.AccountHeader]);
        JsonDocument? doc = null;
        string? bodyAccount = null;
        if (scheme.AccountHeader is null) // Meta names its account in the body: parse before the signature check
        {
            var parsed = JsonBody.Parse(bytes.Value);
            if (parsed.Problem is not null) return parsed.Problem;
            doc = parsed.Value!;
            var accounts = Envelopes.Unwrap(src, Resources.AdSpend, doc.RootElement)
                .Select(r => scheme.AccountOf(r.Record)).OfType<string>().Distinct().ToList();
            if (accounts.Count > 1)
                return IngestProblems.BadRequest($"The rows are for several ad accounts ({string.Join(", ", accounts)}); send one account per request.");
            bodyAccount = accounts.SingleOrDefault();
        }
        var logger = loggers.CreateLogger(typeof(WebhookEndpoint));
        var sender = byKey
            ? await WebhookSender.ByApiKeyAsync(context, src, headerAccount ?? bodyAccount, connections, ct)
            : await WebhookSender.BySignatureAsync(context, scheme, headerAccount ?? bodyAccount, bytes.Value, connections, logger, ct);
        if (sender.Problem is not null) { doc?.Dispose(); return sender.Problem; }

        if (doc is null)
        {
            var parsed = JsonBody.Parse(bytes.Value);
            if (parsed.Problem is not null) return parsed.Problem;
            doc = parsed.Value!;
        }
        using (doc)
        {
            var from = sender.Value!;
            var context2 = new RecordContext(Channels.Webhook, receivedAt, request.Headers["X-Shopify-Topic"].ToString() is { Length: > 0 } t ? t.Trim().ToLowerInvariant() : null,
                src == Sources.Shopify && request.Headers["X-Shopify-Webhook-Id"].ToString() is { Length: > 0 } d ? d : null, from.Connection?.Id);
            var (events, errors) = Convert(from.TenantId, src, resource, doc.RootElement, scheme, from.Connection?.ExternalAccountId ?? headerAccount, context2);
            if (errors.Count > 0)
            {
                await IngestLedger.RecordRejectedWebhookAsync(db, from.TenantId, from.Connection?.Id, resource, errors, receivedAt, ct);
                return IngestProblems.Invalid($"The {src} webhook cannot be stored, so nothing was: {IngestProblems.Describe(errors)}.", errors);
            }
            var receipt = await AppendAsync(db, from, events, receivedAt, ct);
            return receipt.Accepted > 0 ? TypedResults.Created((string?)null, receipt) : TypedResults.Ok(receipt);
        }
    }

    private static (List<NewEvent>, List<FieldError>) Convert(string tenantId, string source, string? resource, JsonElement body,
        WebhookScheme scheme, string? account, RecordContext context)
    {
        if (resource is null)
            return ([], [new FieldError("X-Shopify-Topic", $"must name a topic GrowHalo takes: {string.Join(", ", ShopifyTopics.All)}")]);
        if (source == Sources.Shopify && body.ValueKind != JsonValueKind.Object)
            return ([], [new FieldError("body", "must be one Shopify record as a JSON object")]);
        var events = new List<NewEvent>();
        var errors = new List<FieldError>();
        foreach (var item in Envelopes.Unwrap(source, resource, body))
        {
            if (scheme.AccountOf(item.Record) is { } said && account is not null && said != account)
            {
                errors.Add(new FieldError(item.FieldPath(scheme.AccountField.Split('|')[0]),
                    $"is '{said}' but this webhook is for '{account}': send each account's records with its own connection's headers and signature"));
                continue;
            }
            var adapted = SourceAdapters.ToEvent(tenantId, source, resource, item.Record, context);
            if (adapted.Event is not null) events.Add(adapted.Event);
            else errors.AddRange(adapted.Errors.Select(e => e with { Field = item.FieldPath(e.Field) }));
        }
        return (events, errors);
    }

    private static async Task<WebhookReceipt> AppendAsync(NpgsqlDataSource db, WebhookSender from, List<NewEvent> events, DateTimeOffset at, CancellationToken ct)
    {
        await using var tenantDb = await TenantDb.BeginAsync(db, from.TenantId, ct);
        var result = await Store.AppendAsync(tenantDb.Transaction, from.TenantId, events, ct: ct);
        await IngestLedger.RecordAsync(tenantDb.Transaction, from.TenantId, from.Connection?.Id, result.Duplicates, 0, [], at, ct);
        await tenantDb.CommitAsync(ct);
        return new WebhookReceipt(result.Appended > 0 || events.Count == 0 ? "accepted" : "duplicate", from.Connection?.Id, result.Appended,
            result.Duplicates, result.Events.Select(e => new WebhookReceiptEvent(e.Id, e.StreamId, e.Status == AppendStatus.Appended ? "appended" : "duplicate")).ToList());
    }
}

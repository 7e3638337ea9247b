using GrowHalo.Ingestion.Adapters;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Http;
using GrowHalo.Ingestion.ShopifyApp;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Events;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Privacy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Ingestion.Webhooks;

/// <summary>
/// POST /api/v1/ingest/webhook/{source}. Platforms send no API key: the sender is proven by a signature made with
/// its connection's secret (see <see cref="WebhookScheme"/>), or by an ingest-scope x-api-key for custom senders.
/// Anything unproven is a 401 and stores nothing. The body is read once as raw bytes, so the HMAC sees exactly what
/// was sent, and is parsed only after the signature holds (except Meta's, whose account is in the body). All the
/// records of a webhook are stored, or none; the answer comes after commit, and a redelivery is a 200.
/// <para>The hottest route: nothing is bound for it but the route's source, and the body is read by the endpoint itself
/// (no body parameter, no Accepts metadata: a wrong content type is answered 415 with a detail, not by routing).</para>
/// </summary>
public static class WebhookEndpoint
{
    [WolverinePost("/api/v1/ingest/webhook/{source}", OperationId = "ReceiveWebhook"), AllowAnonymous, DocumentsBody(typeof(System.Text.Json.JsonElement))]
    [ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden,
        StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable)]
    public static async Task<Results<Created<WebhookReceipt>, Ok<WebhookReceipt>, ProblemHttpResult>> Receive(string source, HttpContext context,
        [FromServices] ConnectionStore connections, TenantDatabases databases, [FromServices] WebhookAppendQueue appends, TimeProvider clock,
        [FromServices] IOptions<ShopifyAppOptions> app, ILoggerFactory loggers, [FromServices] EventAppender appender,
        [FromServices] PrivacyWorker privacy, CancellationToken ct)
    {
        var receivedAt = clock.GetUtcNow();
        var src = Sources.Normalize(source);
        if (src is null)
            return IngestProblems.NotFound($"Unknown source '{source}'. Webhooks are received at /api/v1/ingest/webhook/{{{string.Join("|", Sources.All)}}}.");
        var scheme = WebhookScheme.For(src);
        var headers = context.Request.Headers;
        var byKey = headers.ContainsKey(ApiKeyAuthentication.Header);
        if (!byKey && string.IsNullOrWhiteSpace(headers[scheme.SignatureHeader]))
            return IngestProblems.Unauthorized($"A {src} webhook needs the platform's {scheme.SignatureHeader} signature header " +
                $"({scheme.Format}), or an x-api-key with the '{Scopes.Ingest}' scope.");
        if (JsonBody.CheckContentType(context.Request) is { } wrongType) return wrongType;
        var bytes = await JsonBody.ReadAsync(context, JsonBody.WebhookLimit, ct);
        if (bytes.Problem is not null) return bytes.Problem;
        using var body = new WebhookBody(bytes.Value);

        var account = AccountOf(scheme, headers, body);
        if (account.Problem is not null) return account.Problem;
        var sender = byKey
            ? await WebhookSender.ByApiKeyAsync(context, src, account.Value, connections, ct)
            : await WebhookSender.BySignatureAsync(context, scheme, account.Value, bytes.Value, connections,
                app.Value.ClientSecret, loggers, ct);
        if (sender.Problem is not null && !byKey && src == Sources.Shopify && PrivacyTopics.Is(TopicOf(headers)) && account.Value is { } shop &&
            await PrivacySender.ByDisabledConnectionAsync(scheme, shop, bytes.Value, headers[scheme.SignatureHeader], app.Value.ClientSecret, databases, connections, ct) is { } left)
            sender = left; // a privacy request from a shop that uninstalled the app (see PrivacySender)
        if (sender.Problem is not null) return sender.Problem;
        var json = body.Json();
        if (json.Problem is not null) return json.Problem;

        var from = sender.Value!;
        context.Items[RequestLogging.TenantItem] = from.TenantId; // the request line names the tenant the signature proved
        var topic = TopicOf(headers);
        if (src == Sources.Shopify && topic == AppUninstalled.Topic)
            return TypedResults.Ok(await AppUninstalled.HandleAsync(from.TenantId, from.Connection, connections, loggers, ct));
        var delivery = src == Sources.Shopify && headers["X-Shopify-Webhook-Id"].ToString() is { Length: > 0 } d ? d : null;
        if (src == Sources.Shopify && PrivacyTopics.Is(topic)) // Shopify's mandatory privacy webhooks: stored, then acted on
            return await PrivacyWebhook.ReceiveAsync(from, topic!, delivery, json.Value, receivedAt, databases, appender, privacy, ct);
        var resource = src == Sources.Shopify ? ShopifyTopics.ResourceOf(topic) : Resources.AdSpend;
        var (events, errors) = WebhookRecords.Convert(from.TenantId, scheme, resource, json.Value, from.Connection?.ExternalAccountId ?? account.Value,
            new RecordContext(Channels.Webhook, receivedAt, topic, delivery, from.Connection?.Id));
        if (errors.Count > 0)
        {
            await IngestLedger.RecordRejectedWebhookAsync(databases, from.TenantId, from.Connection?.Id, resource, errors, receivedAt, ct);
            return IngestProblems.Invalid($"The {src} webhook cannot be stored, so nothing was: {IngestProblems.Describe(errors)}.", errors);
        }
        if (events.Count == 0) return TypedResults.Ok(new WebhookReceipt("accepted", from.Connection?.Id, 0, 0, []));
        WebhookReceipt receipt;
        try
        {
            receipt = await appends.AppendAsync(from, events, receivedAt, ct, WebhookDeadline.Of(context), body);
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("22", StringComparison.Ordinal))
        {
            // A data exception is this body's fault: PostgreSQL refused something in it that the checks before let through.
            var error = new Parsing.FieldError("body", $"cannot be stored: {e.MessageText}");
            await IngestLedger.RecordRejectedWebhookAsync(databases, from.TenantId, from.Connection?.Id, resource, [error], receivedAt, ct);
            return IngestProblems.Invalid($"The {src} webhook cannot be stored, so nothing was: PostgreSQL refused it ({e.MessageText}).", [error]);
        }
        catch (WebhookQueueClosedException e)
        {
            context.Response.Headers.RetryAfter = "5";
            return IngestProblems.Status(StatusCodes.Status503ServiceUnavailable, "Service unavailable", e.Message);
        }
        return receipt.Accepted > 0 ? TypedResults.Created((string?)null, receipt) : TypedResults.Ok(receipt);
    }

    private static string? TopicOf(IHeaderDictionary headers) =>
        headers["X-Shopify-Topic"].ToString() is { Length: > 0 } t ? t.Trim().ToLowerInvariant() : null;

    /// <summary>The account the webhook says it is for: a header (Shopify, Google), or the rows themselves (Meta).</summary>
    private static Attempt<string?> AccountOf(WebhookScheme scheme, IHeaderDictionary headers, WebhookBody body)
    {
        if (scheme.AccountHeader is not null) return AccountIds.Normalize(scheme.Source, headers[scheme.AccountHeader]);
        var json = body.Json();
        if (json.Problem is not null) return Attempt<string?>.Fail(json.Problem);
        var accounts = Envelopes.Unwrap(scheme.Source, Resources.AdSpend, json.Value)
            .Where(r => r.Problem is null).Select(r => scheme.AccountOf(r.Record)).OfType<string>().Distinct().ToList();
        return accounts.Count <= 1
            ? accounts.SingleOrDefault()
            : Attempt<string?>.Fail(IngestProblems.BadRequest(
                $"The rows are for several ad accounts ({string.Join(", ", accounts)}); send one account per request."));
    }
}

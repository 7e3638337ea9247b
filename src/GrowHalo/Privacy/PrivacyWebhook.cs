using System.Text.Json;
using GrowHalo.Ingestion;
using GrowHalo.Ingestion.Adapters;
using GrowHalo.Ingestion.Connections;
using GrowHalo.Ingestion.Http;
using GrowHalo.Ingestion.Parsing;
using GrowHalo.Ingestion.Webhooks;
using GrowHalo.Platform.Events;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace GrowHalo.Privacy;

/// <summary>What a privacy webhook asks, read from Shopify's body (<c>customer {id, email, phone}</c>, <c>orders_requested</c> /
/// <c>orders_to_redact</c>, <c>data_request.id</c>, <c>shop_domain</c>).</summary>
public sealed record PrivacyAsk(string Kind, string? ShopDomain, string? CustomerId, string? Email, string? Phone,
    IReadOnlyList<string> OrderIds, string? ShopifyRequestId)
{
    public static ParseResult<PrivacyAsk> Parse(string topic, JsonElement body)
    {
        using var f = new JsonFields(body);
        var kind = PrivacyTopics.KindOf(topic);
        var customer = f.Object("customer");
        var id = customer?.Id("id|admin_graphql_api_id");
        var email = customer?.String("email")?.Trim().ToLowerInvariant();
        var phone = customer?.String("phone")?.Trim();
        customer?.Dispose();
        if (kind != PrivacyKinds.ShopRedact && string.IsNullOrEmpty(id) && string.IsNullOrEmpty(email))
            f.Error("customer", $"must name the customer: customer.id or customer.email (Shopify's {topic} body)");
        var orders = f.Array(kind == PrivacyKinds.DataRequest ? "orders_requested" : "orders_to_redact")
            .Select(o => o.ValueKind switch { JsonValueKind.Number => o.GetRawText(), JsonValueKind.String => o.GetString(), _ => null })
            .OfType<string>().Distinct().ToList();
        var request = f.Object("data_request");
        var requestId = request?.Id("id");
        request?.Dispose();
        var shop = f.String("shop_domain");
        if (f.Errors.Count > 0) return ParseResult<PrivacyAsk>.Invalid(f.Errors);
        return ParseResult<PrivacyAsk>.Ok(new PrivacyAsk(kind, shop, NullIfEmpty(id), NullIfEmpty(email), NullIfEmpty(phone), orders,
            requestId));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

/// <summary>
/// The privacy topics at the Shopify receiver (<see cref="WebhookEndpoint"/>), once the signature has proven the
/// sender: the body is stored as an event (like every Shopify record) and the request row is written in the same
/// transaction, so the 200 Shopify gets means both are committed and the worker will act on it, retrying until done.
/// A redelivery (same X-Shopify-Webhook-Id, or the same body) is the same event and the same request: 200, nothing new.
/// </summary>
internal static class PrivacyWebhook
{
    public static async Task<Results<Created<WebhookReceipt>, Ok<WebhookReceipt>, ProblemHttpResult>> ReceiveAsync(
        WebhookSender from, string topic, string? deliveryId, JsonElement body, DateTimeOffset receivedAt,
        TenantDatabases databases, EventAppender appender, PrivacyWorker worker, CancellationToken ct)
    {
        var parsed = PrivacyAsk.Parse(topic, body);
        if (parsed.Value is not { } ask)
            return IngestProblems.Invalid($"The {topic} webhook cannot be stored, so nothing was: {IngestProblems.Describe(parsed.Errors)}.", parsed.Errors);
        var shop = from.Connection?.ExternalAccountId;
        if (ask.ShopDomain is not null && shop is not null && AccountIds.Normalize(Sources.Shopify, ask.ShopDomain) != shop)
        {
            FieldError wrongShop = new("shop_domain", $"is '{ask.ShopDomain}' but this webhook is for '{shop}': send each shop's request with its own headers and signature");
            return IngestProblems.Invalid($"The {topic} webhook cannot be stored, so nothing was: {IngestProblems.Describe([wrongShop])}.", [wrongShop]);
        }

        // Shopify sends no updated_at here: a delivery is keyed by its webhook id, else by its exact body.
        var key = deliveryId ?? $"{topic}:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(body)))}";
        var data = new ShopifyPrivacyRequestReceived
        {
            Source = Sources.Shopify, Channel = Channels.Webhook, Topic = topic, ReceivedAt = receivedAt, ConnectionId = from.Connection?.Id,
            Payload = body.Clone(),
        };
        var headers = new Dictionary<string, object> { ["channel"] = Channels.Webhook };
        if (from.Connection is not null) headers["connection_id"] = from.Connection.Id;
        if (deliveryId is not null) headers["delivery_id"] = deliveryId;
        var e = NewEvent.Create(from.TenantId, $"shopify:privacy:{ask.Kind}", key, data, headers);

        await using var db = await TenantDb.BeginAsync(databases, from.TenantId, CancellationToken.None);
        var result = await appender.AppendAsync(db.Transaction, from.TenantId, [e], ct: CancellationToken.None);
        await using (var insert = db.Command("""
            insert into privacy_requests (id, tenant_id, kind, shop_domain, shopify_customer_id, email, phone, order_ids,
                                          shopify_request_id, received_at, next_attempt_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
            on conflict (id) do nothing
            """, e.Id, from.TenantId, ask.Kind, shop ?? ask.ShopDomain, ask.CustomerId, ask.Email, ask.Phone, ask.OrderIds.ToArray(),
            ask.ShopifyRequestId, receivedAt))
            await insert.ExecuteNonQueryAsync(CancellationToken.None);
        await db.CommitAsync(CancellationToken.None);
        worker.Wake();

        var appended = result.Events[0].Status == AppendStatus.Appended;
        var receipt = new WebhookReceipt(appended ? "accepted" : "duplicate", from.Connection?.Id, appended ? 1 : 0, appended ? 0 : 1,
            [new WebhookReceiptEvent(e.Id, e.StreamId, appended ? "appended" : "duplicate")]);
        return appended ? TypedResults.Created((string?)null, receipt) : TypedResults.Ok(receipt);
    }
}

using System.Text.Json;

namespace GrowHalo.Ingestion.Http;

// What the ingestion endpoints that read their own bodies accept, for the OpenAPI document only
// ([DocumentsBody]); the endpoints parse the JSON themselves and name every wrong field.

/// <summary>POST /api/v1/ingest/batch. Keys may also be camelCase (the v1 contract: eventType, sourceTimestamp, ...).</summary>
/// <param name="Source">shopify, meta or google.</param>
/// <param name="ConnectionId">The connection the records came through (optional).</param>
/// <param name="Events">The records, up to 64 MB in all.</param>
public sealed record BatchUploadBody(string Source, string? ConnectionId, IReadOnlyList<BatchEventBody> Events);

/// <param name="EventType">order, refund, customer, product, checkout, cart (shopify); ad_spend (meta, google).</param>
/// <param name="Payload">The platform's record, as its API returns it.</param>
/// <param name="SourceTimestamp">When the platform produced it (optional).</param>
/// <param name="ExternalId">The platform's id, when the payload does not carry it (optional).</param>
public sealed record BatchEventBody(string EventType, JsonElement Payload, DateTimeOffset? SourceTimestamp, string? ExternalId);

/// <summary>POST /api/v1/ingest/connections: a platform account linked to the tenant. Secrets are sealed and never shown again.</summary>
public sealed record CreateConnectionBody(string Source, string ExternalAccountId, string? DisplayName, string? ApiBaseUrl,
    bool? PollingEnabled, int? PollingIntervalSeconds, string? WebhookSecret, string? AccessToken);

/// <summary>PATCH /api/v1/ingest/connections/{id}: only the fields sent change; null clears a URL or a secret.</summary>
public sealed record UpdateConnectionBody(string? DisplayName, string? ApiBaseUrl, bool? PollingEnabled, int? PollingIntervalSeconds,
    bool? Enabled, string? WebhookSecret, string? AccessToken);

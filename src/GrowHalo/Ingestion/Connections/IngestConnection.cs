using System.Text.Json.Serialization;

namespace GrowHalo.Ingestion.Connections;

/// <summary>
/// A tenant's link to one platform account. Secrets are never part of it: only whether they are set.
/// </summary>
public sealed record IngestConnection(
    string Id, [property: JsonIgnore] string TenantId, string Source, string ExternalAccountId, string DisplayName,
    string? ApiBaseUrl, bool PollingEnabled, int PollingIntervalSeconds, bool Enabled, bool HasWebhookSecret,
    bool HasAccessToken, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public string Status => Enabled ? "active" : "disabled";
}

/// <summary>What a new connection is made of. Secrets are plain here and sealed before they reach the database.</summary>
public sealed record ConnectionSettings(
    string Source, string ExternalAccountId, string DisplayName, string? ApiBaseUrl, bool PollingEnabled,
    int PollingIntervalSeconds, string? WebhookSecret, string? AccessToken);

/// <summary>A partial update: null leaves a field as it is; a <see cref="Change{T}"/> sets it, to null as well.</summary>
public sealed record ConnectionPatch(
    string? DisplayName = null, Change<string?>? ApiBaseUrl = null, bool? PollingEnabled = null, int? PollingIntervalSeconds = null,
    bool? Enabled = null, Change<string?>? WebhookSecret = null, Change<string?>? AccessToken = null);

public readonly record struct Change<T>(T Value);

/// <summary>Another enabled connection already holds this platform account (webhooks could not tell them apart).</summary>
public sealed class ConnectionConflictException(string message) : Exception(message);

/// <summary>GET /api/v1/ingest/connections: <c>{"data": [connection, ...]}</c>.</summary>
public sealed record ConnectionList(IReadOnlyList<IngestConnection> Data);

namespace GrowHalo.Platform.Tenancy.Keys;

/// <summary>A key as listings show it: never the key itself, which exists only in the response that created it.</summary>
public sealed record ApiKeyResponse(Guid Id, string Prefix, string Label, IReadOnlyList<string> Scopes, string Status,
    DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, DateTimeOffset CreatedAt)
{
    public static ApiKeyResponse From(ApiKeyInfo k, DateTimeOffset now) => new(k.Id, k.Prefix, k.Label, k.Scopes,
        k.RevokedAt is not null ? "revoked" : k.ExpiresAt <= now ? "expired" : "active",
        k.ExpiresAt, k.LastUsedAt, k.RevokedAt, k.CreatedAt);
}

/// <summary>A new key, with the key itself (<see cref="Key"/>): shown once, store it now.</summary>
public sealed record CreatedApiKeyResponse(Guid Id, string Key, string Prefix, string Label, IReadOnlyList<string> Scopes,
    DateTimeOffset? ExpiresAt, DateTimeOffset CreatedAt)
{
    public static CreatedApiKeyResponse From(CreatedApiKey k) =>
        new(k.Info.Id, k.RawKey, k.Info.Prefix, k.Info.Label, k.Info.Scopes, k.Info.ExpiresAt, k.Info.CreatedAt);
}

public sealed record ApiKeyList(IReadOnlyList<ApiKeyResponse> Data);

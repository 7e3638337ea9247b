using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Dashboard.Sessions;

/// <summary>Why a key cannot open (or keep) a dashboard session: a code for links, a status and a sentence for people.</summary>
public sealed record SignInFailure(string Code, int Status, string Detail);

public static class KeyCheck
{
    public static readonly SignInFailure UnknownKey = new("unknown_key", StatusCodes.Status401Unauthorized,
        "This API key is not recognised. Check that it was copied whole; keys start with ghk_.");

    /// <summary>Null when the key may use the dashboard: not revoked, not expired, and carrying the read scope.</summary>
    public static SignInFailure? Check(string prefix, IReadOnlyCollection<string> scopes, DateTimeOffset? revokedAt, DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        if (revokedAt is not null)
            return new("revoked_key", StatusCodes.Status401Unauthorized, $"The API key {prefix}… was revoked on {revokedAt:u}. Create a new key and sign in with it.");
        if (expiresAt is not null && expiresAt <= now)
            return new("expired_key", StatusCodes.Status401Unauthorized, $"The API key {prefix}… expired on {expiresAt:u}. Create a new key and sign in with it.");
        if (!scopes.Contains(Scopes.Read))
            return new("missing_scope", StatusCodes.Status403Forbidden,
                $"The API key {prefix}… lacks the 'read' scope the dashboard needs. Create one with `growhalo keys create --tenant <id> --scopes read`.");
        return null;
    }
}

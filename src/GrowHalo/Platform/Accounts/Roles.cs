using GrowHalo.Platform.Tenancy;

namespace GrowHalo.Platform.Accounts;

/// <summary>
/// A person's role in one tenant, and the API-key scopes it stands for: a signed-in owner or admin may do what a key
/// with read, ingest and admin may; an analyst only reads.
/// </summary>
public static class Roles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Analyst = "analyst";
    public static readonly IReadOnlyList<string> All = [Owner, Admin, Analyst];

    public static IReadOnlyList<string> ScopesOf(string role) => role switch
    {
        Owner or Admin => [Scopes.Read, Scopes.Ingest, Scopes.Admin],
        Analyst => [Scopes.Read],
        _ => [],
    };
}

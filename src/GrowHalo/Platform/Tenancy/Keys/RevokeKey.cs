using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowHalo.Platform.Tenancy.Keys;

/// <summary>DELETE /api/v1/keys/{id} (admin): revoke one of the tenant's keys; it fails with 401 from then on.</summary>
public static class RevokeKey
{
    public static RouteHandlerBuilder MapRevokeKey(this IEndpointRouteBuilder app) =>
        app.MapDelete("/keys/{id:guid}", Handle).RequireScope(Scopes.Admin).WithName("RevokeKey").WithTags("Keys");

    private static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> Handle(
        Guid id, RequestTenant tenant, ApiKeyStore keys, TimeProvider clock, CancellationToken ct)
    {
        var revoked = await keys.RevokeAsync(tenant.Id, id, ct);
        return revoked is null ? ListKeys.NoSuchKey(id) : TypedResults.Ok(ApiKeyResponse.From(revoked, clock.GetUtcNow()));
    }
}

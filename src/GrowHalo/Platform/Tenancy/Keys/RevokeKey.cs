using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace GrowHalo.Platform.Tenancy.Keys;

/// <summary>DELETE /api/v1/keys/{id} (admin): revoke one of the tenant's keys; it fails with 401 from then on.</summary>
public static class RevokeKey
{
    [WolverineDelete("/api/v1/keys/{id:guid}", OperationId = "RevokeKey"), RequireScope(Scopes.Admin), Tags("Keys")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> Delete(
        Guid id, RequestTenant tenant, ApiKeyStore keys, TimeProvider clock, CancellationToken ct)
    {
        var revoked = await keys.RevokeAsync(tenant.Id, id, ct);
        return revoked is null ? GetKey.NoSuchKey(id) : TypedResults.Ok(ApiKeyResponse.From(revoked, clock.GetUtcNow()));
    }
}

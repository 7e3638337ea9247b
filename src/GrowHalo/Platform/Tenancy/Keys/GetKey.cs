using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace GrowHalo.Platform.Tenancy.Keys;

/// <summary>GET /api/v1/keys/{id} (admin): one of the tenant's own keys, never another tenant's.</summary>
public static class GetKey
{
    [WolverineGet("/api/v1/keys/{id:guid}", OperationId = "GetKey"), RequireScope(Scopes.Admin), Tags("Keys")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> Get(
        Guid id, RequestTenant tenant, ApiKeyStore keys, TimeProvider clock, CancellationToken ct)
    {
        var key = await keys.GetAsync(tenant.Id, id, ct);
        return key is null ? NoSuchKey(id) : TypedResults.Ok(ApiKeyResponse.From(key, clock.GetUtcNow()));
    }

    /// <summary>Another tenant's key id is answered exactly like an id that does not exist: ids cannot be probed.</summary>
    internal static ProblemHttpResult NoSuchKey(Guid id) => TypedResults.Problem(
        $"This tenant has no API key {id}. List its keys with GET /api/v1/keys.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}

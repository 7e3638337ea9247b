using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace GrowHalo.Platform.Tenancy.Keys;

/// <summary>GET /api/v1/keys (admin): the tenant's own keys, never another tenant's.</summary>
public static class ListKeys
{
    [WolverineGet("/api/v1/keys", OperationId = "ListKeys"), RequireScope(Scopes.Admin), Tags("Keys")]
    public static async Task<Ok<ApiKeyList>> Get(RequestTenant tenant, ApiKeyStore keys, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var list = await keys.ListAsync(tenant.Id, ct);
        return TypedResults.Ok(new ApiKeyList(list.Select(k => ApiKeyResponse.From(k, now)).ToList()));
    }
}

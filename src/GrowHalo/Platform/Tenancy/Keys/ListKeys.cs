using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowHalo.Platform.Tenancy.Keys;

/// <summary>GET /api/v1/keys and /api/v1/keys/{id} (admin): the tenant's own keys, never another tenant's.</summary>
public static class ListKeys
{
    public static IEndpointRouteBuilder MapListKeys(this IEndpointRouteBuilder app)
    {
        app.MapGet("/keys", List).RequireScope(Scopes.Admin).WithName("ListKeys").WithTags("Keys");
        app.MapGet("/keys/{id:guid}", Get).RequireScope(Scopes.Admin).WithName("GetKey").WithTags("Keys");
        return app;
    }

    private static async Task<Ok<ApiKeyList>> List(RequestTenant tenant, ApiKeyStore keys, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var list = await keys.ListAsync(tenant.Id, ct);
        return TypedResults.Ok(new ApiKeyList(list.Select(k => ApiKeyResponse.From(k, now)).ToList()));
    }

    private static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> Get(
        Guid id, RequestTenant tenant, ApiKeyStore keys, TimeProvider clock, CancellationToken ct)
    {
        var key = await keys.GetAsync(tenant.Id, id, ct);
        return key is null ? NoSuchKey(id) : TypedResults.Ok(ApiKeyResponse.From(key, clock.GetUtcNow()));
    }

    /// <summary>Another tenant's key id is answered exactly like an id that does not exist: ids cannot be probed.</summary>
    internal static ProblemHttpResult NoSuchKey(Guid id) => TypedResults.Problem(
        $"This tenant has no API key {id}. List its keys with GET /api/v1/keys.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}

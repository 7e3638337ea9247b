using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowHalo.Platform.Tenancy.Keys;

/// <summary>POST /api/v1/keys (admin): a new key for the caller's tenant; 201 with the key, shown this once.</summary>
public static class CreateKey
{
    public sealed record Request(IReadOnlyList<string>? Scopes, string? Label, DateTimeOffset? ExpiresAt);

    public static RouteHandlerBuilder MapCreateKey(this IEndpointRouteBuilder app) =>
        app.MapPost("/keys", Handle).RequireScope(Scopes.Admin).WithName("CreateKey").WithTags("Keys");

    private static async Task<Results<Created<CreatedApiKeyResponse>, ValidationProblem>> Handle(
        Request body, RequestTenant tenant, ApiKeyStore keys, HttpResponse response, CancellationToken ct)
    {
        try
        {
            var key = await keys.CreateAsync(tenant.Id, body.Scopes ?? [], body.Label ?? "", body.ExpiresAt, ct);
            response.Headers.CacheControl = "no-store"; // the body holds a secret
            return TypedResults.Created($"/api/v1/keys/{key.Info.Id}", CreatedApiKeyResponse.From(key));
        }
        catch (InvalidSettingsException e)
        {
            return TypedResults.ValidationProblem(e.Errors, "No key was created: " + e.Message, title: "Bad request");
        }
    }
}

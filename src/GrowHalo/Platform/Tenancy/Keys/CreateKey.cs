using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace GrowHalo.Platform.Tenancy.Keys;

/// <summary>POST /api/v1/keys (admin): a new key for the caller's tenant; 201 with the key, shown this once.</summary>
public static class CreateKey
{
    public sealed record Request(IReadOnlyList<string>? Scopes, string? Label, DateTimeOffset? ExpiresAt);

    [WolverinePost("/api/v1/keys", OperationId = "CreateKey"), RequireScope(Scopes.Admin), Tags("Keys")]
    public static async Task<Results<Created<CreatedApiKeyResponse>, ValidationProblem>> Post(
        Request body, RequestTenant tenant, ApiKeyStore keys, HttpResponse response, CancellationToken ct)
    {
        // A JSON null body reaches a Wolverine endpoint as null (the minimal API answered 400 for it).
        if (body is null) return Problems.Invalid("No key was created: the body is null.", new Dictionary<string, string[]> { ["body"] = ["Send a JSON object."] });
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

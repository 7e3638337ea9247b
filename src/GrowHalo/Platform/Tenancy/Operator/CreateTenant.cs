using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy.Keys;
using GrowHalo.Platform.Tenancy.Settings;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Platform.Tenancy.Operator;

/// <summary>
/// POST /api/v1/admin/tenants (operator token): a new tenant and its first admin key (all scopes), stored together or not at all.
/// </summary>
public static class CreateTenant
{
    public sealed record Request(string? Name, string? Slug, string? TimeZone, string? Currency);

    public sealed record Response(TenantResponse Tenant, CreatedApiKeyResponse AdminKey);

    [WolverinePost("/api/v1/admin/tenants", OperationId = "CreateTenant"), RequireOperator, Tags("Operator")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<Results<Created<Response>, ValidationProblem, ProblemHttpResult>> Post(
        Request body, TenantStore tenants, ApiKeyStore keys, NpgsqlDataSource dataSource, TenantPlacement placement, HttpResponse response,
        CancellationToken ct)
    {
        // A JSON null body reaches a Wolverine endpoint as null (the minimal API answered 400 for it).
        if (body is null) return Problems.Invalid("No tenant was created: the body is null.", new Dictionary<string, string[]> { ["body"] = ["Send a JSON object."] });
        if (string.IsNullOrWhiteSpace(body.Name))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["Send the brand's name."] },
                "No tenant was created: a name is required.", title: "Bad request");
        Tenant tenant;
        try
        {
            tenant = tenants.New(body.Name, body.Slug, body.TimeZone, body.Currency);
        }
        catch (InvalidSettingsException e)
        {
            return TypedResults.ValidationProblem(e.Errors, "No tenant was created: " + e.Message, title: "Bad request");
        }

        await using var db = await TenantDb.BeginAsync(dataSource, tenant.Id, ct);
        try
        {
            await TenantStore.InsertAsync(db, tenant, ct);
        }
        catch (TenantSlugTakenException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Conflict");
        }
        // The brand's first key may do everything; its admin then hands out narrower keys (POST /api/v1/keys).
        var key = await keys.CreateAsync(db, Scopes.All, "first admin key", null, ct);
        await placement.PlaceAsync(tenant, ct);
        await db.CommitAsync(ct);
        response.Headers.CacheControl = "no-store"; // the body holds a secret
        return TypedResults.Created("/api/v1/tenant", new Response(TenantResponse.From(tenant), CreatedApiKeyResponse.From(key)));
    }
}

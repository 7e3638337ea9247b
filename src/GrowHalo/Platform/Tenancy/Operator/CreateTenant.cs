using GrowHalo.Platform.Tenancy.Keys;
using GrowHalo.Platform.Tenancy.Settings;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace GrowHalo.Platform.Tenancy.Operator;

/// <summary>
/// POST /api/v1/admin/tenants (operator token): a new tenant and its first admin key (all scopes), stored together or not at all.
/// </summary>
public static class CreateTenant
{
    public sealed record Request(string? Name, string? Slug, string? TimeZone, string? Currency);

    public sealed record Response(TenantResponse Tenant, CreatedApiKeyResponse AdminKey);

    public static RouteHandlerBuilder MapCreateTenant(this IEndpointRouteBuilder app) =>
        app.MapPost("/admin/tenants", Handle).RequireOperator().WithName("CreateTenant").WithTags("Operator");

    private static async Task<Results<Created<Response>, ValidationProblem, ProblemHttpResult>> Handle(
        Request body, TenantStore tenants, ApiKeyStore keys, NpgsqlDataSource dataSource, HttpResponse response, CancellationToken ct)
    {
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
        await db.CommitAsync(ct);
        response.Headers.CacheControl = "no-store"; // the body holds a secret
        return TypedResults.Created("/api/v1/tenant", new Response(TenantResponse.From(tenant), CreatedApiKeyResponse.From(key)));
    }
}

using Microsoft.AspNetCore.Http.HttpResults;

namespace GrowHalo.Platform.Tenancy.Settings;

/// <summary>PATCH /api/v1/tenant (admin): change name, time zone or reporting currency; absent fields stay as they are.</summary>
public static class ChangeTenantSettings
{
    public sealed record Request(string? Name, string? TimeZone, string? Currency);

    public static RouteHandlerBuilder MapChangeTenantSettings(this IEndpointRouteBuilder app) =>
        app.MapPatch("/tenant", Handle).RequireScope(Scopes.Admin).WithName("ChangeTenantSettings").WithTags("Tenant");

    private static async Task<Results<Ok<TenantResponse>, ValidationProblem, NotFound>> Handle(
        Request body, RequestTenant tenant, TenantStore tenants, CancellationToken ct)
    {
        try
        {
            var changed = await tenants.UpdateAsync(tenant.Id, new TenantSettings(body.Name, null, body.TimeZone, body.Currency), ct);
            return changed is null ? TypedResults.NotFound() : TypedResults.Ok(TenantResponse.From(changed));
        }
        catch (InvalidSettingsException e)
        {
            return TypedResults.ValidationProblem(e.Errors, "Nothing was changed: " + e.Message, title: "Bad request");
        }
    }
}

using System.Reflection;

namespace GrowHalo.Platform.Tenancy;

/// <summary>
/// The tenant of the current request, taken from its authenticated API key. Declare it as an endpoint parameter.
/// </summary>
public sealed record RequestTenant(Tenant Tenant)
{
    public string Id => Tenant.Id;

    public static async ValueTask<RequestTenant?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var id = context.User.FindFirst(ApiKeyAuthentication.TenantClaim)?.Value
            ?? throw new InvalidOperationException("RequestTenant used on an endpoint without RequireScope: no authenticated tenant.");
        var tenants = context.RequestServices.GetRequiredService<TenantStore>();
        var tenant = await tenants.FindAsync(id, context.RequestAborted)
            ?? throw new InvalidOperationException($"The key's tenant {id} no longer exists.");
        return new RequestTenant(tenant);
    }
}

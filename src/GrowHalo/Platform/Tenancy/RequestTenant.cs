namespace GrowHalo.Platform.Tenancy;

/// <summary>
/// The tenant of the current request, taken from its authenticated API key. Declare it as an endpoint parameter.
/// </summary>
public sealed record RequestTenant(Tenant Tenant)
{
    public string Id => Tenant.Id;

    /// <summary>The tenant of the request's key; Wolverine calls it for an endpoint's RequestTenant parameter.</summary>
    public static async Task<RequestTenant> LoadAsync(HttpContext context, TenantStore tenants, CancellationToken ct)
    {
        var id = context.User.FindFirst(ApiKeyAuthentication.TenantClaim)?.Value
            ?? throw new InvalidOperationException("RequestTenant used on an endpoint without RequireScope: no authenticated tenant.");
        var tenant = await tenants.FindAsync(id, ct)
            ?? throw new InvalidOperationException($"The key's tenant {id} no longer exists.");
        return new RequestTenant(tenant);
    }
}

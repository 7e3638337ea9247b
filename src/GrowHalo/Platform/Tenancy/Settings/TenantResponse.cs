namespace GrowHalo.Platform.Tenancy.Settings;

/// <summary>
/// A tenant's settings as the API shows them. <see cref="ReprojectionRunId"/>: after a change of time zone or currency,
/// the run re-projecting the tenant's history (null otherwise).
/// </summary>
public sealed record TenantResponse(string Id, string Name, string Slug, string TimeZone, string Currency, DateTimeOffset CreatedAt,
    int AbandonedCheckoutMinutes, int RecoveryWindowDays)
{
    public Guid? ReprojectionRunId { get; init; }

    public static TenantResponse From(Tenant t) =>
        new(t.Id, t.Name, t.Slug, t.TimeZone, t.Currency, t.CreatedAt, t.AbandonedCheckoutMinutes, t.RecoveryWindowDays);

    /// <summary>404 for a key whose tenant was deleted after the request was authenticated.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Gone(string tenantId) =>
        TypedResults.Problem($"The tenant {tenantId} no longer exists.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}

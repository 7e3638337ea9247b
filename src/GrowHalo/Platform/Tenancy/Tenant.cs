namespace GrowHalo.Platform.Tenancy;

/// <summary>
/// A brand. Days are calendar days in <see cref="TimeZone"/>; money is reported in <see cref="Currency"/>. A checkout not
/// completed within <see cref="AbandonedCheckoutMinutes"/> of its creation is abandoned; an order within
/// <see cref="RecoveryWindowDays"/> after that can recover it.
/// </summary>
public sealed record Tenant(string Id, string Name, string Slug, string TimeZone, string Currency, DateTimeOffset CreatedAt,
    int AbandonedCheckoutMinutes = TenantRules.DefaultAbandonedCheckoutMinutes, int RecoveryWindowDays = TenantRules.DefaultRecoveryWindowDays)
{
    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);
}

public static class Scopes
{
    public const string Ingest = "ingest";
    public const string Read = "read";
    public const string Admin = "admin";
    public static readonly IReadOnlyList<string> All = [Ingest, Read, Admin];
}

using System.Text.RegularExpressions;

namespace GrowHalo.Platform.Tenancy;

/// <summary>Given settings, normalised; a null field was not given (keep the current value, or the default).</summary>
public sealed record TenantSettings(string? Name = null, string? Slug = null, string? TimeZone = null, string? Currency = null,
    int? AbandonedCheckoutMinutes = null, int? RecoveryWindowDays = null);

/// <summary>Unusable settings of a tenant or key: <see cref="Errors"/> maps each field (snake_case, as in the API) to what to send instead.</summary>
public sealed class InvalidSettingsException(IReadOnlyDictionary<string, string[]> errors)
    : ArgumentException(string.Join(" ", errors.Values.SelectMany(v => v)))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>
/// What a tenant's name, slug, time zone, reporting currency and checkout settings may be. All checks run before
/// anything is stored.
/// </summary>
public static partial class TenantRules
{
    public const string DefaultTimeZone = "UTC";
    public const string DefaultCurrency = "USD";
    public const int DefaultAbandonedCheckoutMinutes = 60;
    public const int DefaultRecoveryWindowDays = 7;

    /// <summary>Five minutes to a week: shorter calls a checkout still being typed abandoned; longer never calls one abandoned.</summary>
    public const int MinAbandonedCheckoutMinutes = 5, MaxAbandonedCheckoutMinutes = 10080;
    public const int MinRecoveryWindowDays = 1, MaxRecoveryWindowDays = 90;

    /// <summary>Checks every given field; throws <see cref="InvalidSettingsException"/> naming each bad one.</summary>
    public static TenantSettings Validate(TenantSettings given)
    {
        var errors = new Dictionary<string, string[]>();
        string? Check(string field, string? value, Func<string, (string? Ok, string Error)> rule)
        {
            if (value is null) return null;
            var (ok, error) = rule(value);
            if (ok is null) errors[field] = [error];
            return ok;
        }
        int? Between(string field, int? value, int min, int max, string unit)
        {
            if (value is null || (value >= min && value <= max)) return value;
            errors[field] = [$"{field} must be a whole number of {unit} from {min} to {max}, got {value}."];
            return null;
        }
        var settings = new TenantSettings(
            Check("name", given.Name, Name), Check("slug", given.Slug, Slug),
            Check("time_zone", given.TimeZone, TimeZone), Check("currency", given.Currency, Currency),
            Between("abandoned_checkout_minutes", given.AbandonedCheckoutMinutes, MinAbandonedCheckoutMinutes, MaxAbandonedCheckoutMinutes, "minutes"),
            Between("recovery_window_days", given.RecoveryWindowDays, MinRecoveryWindowDays, MaxRecoveryWindowDays, "days"));
        return errors.Count == 0 ? settings : throw new InvalidSettingsException(errors);
    }

    /// <summary>An IANA time zone id, stored in its canonical spelling (europe/berlin → Europe/Berlin).</summary>
    public static (string? Ok, string Error) TimeZone(string value)
    {
        var id = value.Trim();
        if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId) return (zone.Id, "");
        // Lookups are case-sensitive on Linux (file names); a wrongly cased name is still clearly meant.
        var cased = TimeZoneInfo.GetSystemTimeZones().FirstOrDefault(z => z.HasIanaId && string.Equals(z.Id, id, StringComparison.OrdinalIgnoreCase));
        if (cased is not null) return (cased.Id, "");
        if (TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out var iana))
            return (null, $"Time zone '{value}' is a Windows name; use its IANA name '{iana}'.");
        return (null, $"Time zone '{value}' is not an IANA time zone. Use a name such as Europe/Berlin, America/New_York or UTC.");
    }

    /// <summary>An ISO 4217 code of a currency in circulation; lower case is accepted and stored upper case.</summary>
    public static (string? Ok, string Error) Currency(string value)
    {
        var code = value.Trim().ToUpperInvariant();
        return Currencies.Known.Contains(code)
            ? (code, "")
            : (null, $"Currency '{value}' is not an ISO 4217 currency code. Use three letters such as USD, EUR or GBP.");
    }

    public static (string? Ok, string Error) Name(string value)
    {
        var name = value.Trim();
        if (name.Length == 0) return (null, "Name is empty. Send the brand's name.");
        return name.Length <= 200 ? (name, "") : (null, $"Name is {name.Length} characters long; keep it to 200.");
    }

    public static (string? Ok, string Error) Slug(string value) =>
        SlugShape().IsMatch(value)
            ? (value, "")
            : (null, $"Slug '{value}' is not usable: use 1–63 lower-case letters, digits and inner hyphens, such as 'acme-coffee'.");

    /// <summary>The slug a name gives when none is sent ("Acme Coffee Co." → "acme-coffee-co").</summary>
    public static string Slugify(string name)
    {
        var slug = NonSlugChars().Replace(name.Trim().ToLowerInvariant(), "-").Trim('-');
        return slug.Length <= 63 ? slug : slug[..63].TrimEnd('-');
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex SlugShape();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlugChars();
}

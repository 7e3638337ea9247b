using System.Globalization;

namespace GrowHalo.Analytics.Metrics;

/// <summary>An inclusive range of tenant-local days.</summary>
public sealed record DateRange(DateOnly Start, DateOnly End)
{
    public const int MaxYears = 3;

    public int Days => End.DayNumber - Start.DayNumber + 1;

    /// <summary>The window of the same length right before this one.</summary>
    public DateRange Previous => new(Start.AddDays(-Days), Start.AddDays(-1));

    public bool Contains(DateOnly day) => day >= Start && day <= End;

    /// <summary>Named periods end today in the tenant's time zone: last_30_days is the 30 days ending today.</summary>
    public static readonly IReadOnlyDictionary<string, int> Periods = new Dictionary<string, int>
    {
        ["last_7_days"] = 7, ["last_30_days"] = 30, ["last_90_days"] = 90,
    };

    public static DateRange LastDays(DateOnly today, int days) => new(today.AddDays(1 - days), today);

    /// <summary>Parses start and end (YYYY-MM-DD); adds what is wrong to <paramref name="errors"/> and returns null if anything is.</summary>
    public static DateRange? Parse(string? start, string? end, Validation errors, string startName = "start", string endName = "end")
    {
        var s = Day(start, startName, errors);
        var e = Day(end, endName, errors);
        if (s is null || e is null) return null;
        if (s > e) { errors.Add(startName, $"{startName} ({s:yyyy-MM-dd}) is after {endName} ({e:yyyy-MM-dd}); swap them."); return null; }
        if (e >= s.Value.AddYears(MaxYears))
        {
            errors.Add(endName, $"The range {s:yyyy-MM-dd}..{e:yyyy-MM-dd} is longer than {MaxYears} years; ask for at most {MaxYears} years at a time.");
            return null;
        }
        return new DateRange(s.Value, e.Value);
    }

    private static DateOnly? Day(string? value, string name, Validation errors)
    {
        if (string.IsNullOrWhiteSpace(value)) { errors.Add(name, $"{name} is required, as a date YYYY-MM-DD."); return null; }
        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        errors.Add(name, $"{name} must be a date as YYYY-MM-DD (e.g. 2026-01-31), got \"{value}\".");
        return null;
    }
}

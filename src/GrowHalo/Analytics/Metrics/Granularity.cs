namespace GrowHalo.Analytics.Metrics;

/// <summary>Time buckets: days, ISO weeks (starting Monday), calendar months. A bucket is named by its first day.</summary>
public static class Granularity
{
    public static readonly IReadOnlyList<string> All = ["daily", "weekly", "monthly"];

    public static DateOnly BucketOf(string granularity, DateOnly day) => granularity switch
    {
        "daily" => day,
        "weekly" => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
        "monthly" => new DateOnly(day.Year, day.Month, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(granularity), granularity, "Unknown granularity."),
    };

    public static DateOnly Next(string granularity, DateOnly bucket) => granularity switch
    {
        "daily" => bucket.AddDays(1),
        "weekly" => bucket.AddDays(7),
        _ => bucket.AddMonths(1),
    };

    /// <summary>Every bucket that overlaps the range, in order, empty ones included.</summary>
    public static IEnumerable<DateOnly> Buckets(string granularity, DateRange range)
    {
        for (var b = BucketOf(granularity, range.Start); b <= range.End; b = Next(granularity, b)) yield return b;
    }
}

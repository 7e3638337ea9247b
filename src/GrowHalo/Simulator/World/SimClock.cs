using System.Globalization;

namespace GrowHalo.Simulator.World;

/// <summary>Days and timestamps in the shop's time zone, formatted as Shopify writes them ("2026-03-01T14:05:00-05:00").</summary>
public sealed class SimClock(TimeZoneInfo zone)
{
    /// <summary>Ids are built from the day's number since this fixed epoch, so they never depend on where a world starts.</summary>
    public static readonly DateOnly Epoch = new(2020, 1, 1);

    public TimeZoneInfo Zone => zone;

    public static int DayIndex(DateOnly day) => day.DayNumber - Epoch.DayNumber;

    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    public DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    public string Format(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}

using GrowHalo.Platform.Events;
using GrowHalo.Tests.Dashboard.Live;

namespace GrowHalo.Tests.Dashboard.Browser;

/// <summary>
/// 120 days of a small brand, appended as source events the way ingestion stores them: Shopify orders (more and
/// bigger in the last 30 days), two Meta campaigns and one Google campaign. Deterministic, so the figures differ
/// between periods in a known direction; the tests read the expected numbers from the API, never from here.
/// </summary>
public static class SampleBrand
{
    public const int Days = 120;

    public static async Task SeedAsync(GrowHalo.Platform.Events.EventAppender store, string tenantId, DateOnly today)
    {
        var events = new List<NewEvent>();
        long orderId = 100_000;
        for (var back = 0; back < Days; back++)
        {
            var day = today.AddDays(-back);
            var at = new DateTimeOffset(day.ToDateTime(new TimeOnly(0, 30)), TimeSpan.Zero);
            var orders = back < 30 ? 2 + back % 3 : 1 + back % 2;
            for (var n = 0; n < orders; n++)
            {
                var total = 50m + (back * 7 + n * 11) % 40 + 0.25m;
                events.Add(SampleEvents.ShopifyOrder(tenantId, ++orderId, at.AddMinutes(n * 37), total, $"c-{(back * 3 + n) % 70}"));
            }
            var boost = back < 30 ? 1.2m : 1m;
            events.Add(SampleEvents.MetaRow(tenantId, "m-100", "Prospecting — Halo serum", day, Math.Round((30m + back % 5 * 2.5m) * boost, 2), 95m + back % 7 * 5));
            events.Add(SampleEvents.MetaRow(tenantId, "m-200", "Retargeting", day, Math.Round((12m + back % 3 * 1.5m) * boost, 2), 60m + back % 4 * 3));
            events.Add(SampleEvents.GoogleRow(tenantId, "g-300", "Brand search", day, 20m + back % 4 * 1.75m, 70m + back % 6 * 4));
        }
        await store.AppendAsync(tenantId, events);
    }
}

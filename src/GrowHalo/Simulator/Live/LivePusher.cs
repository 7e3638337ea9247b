using System.Text.Json.Nodes;
using GrowHalo.Simulator.World;

namespace GrowHalo.Simulator.Live;

public sealed record LivePusherOptions
{
    /// <summary>Extra orders a minute on top of the simulated shop's own pace (about one every 14 minutes).</summary>
    public double OrdersPerMinute { get; init; } = 6;
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How often today's and yesterday's ad spend is re-sent as the platforms restate it.</summary>
    public TimeSpan AdSpendEvery { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>What one tick sent and what GrowHalo answered.</summary>
public sealed record TickReport(DateTimeOffset At, IReadOnlyList<Delivery> Webhooks, BatchAnswer? Meta, BatchAnswer? Google)
{
    public override string ToString()
    {
        var parts = new List<string>();
        foreach (var g in Webhooks.GroupBy(w => w.Topic))
            parts.Add($"{g.Count()} {g.Key} ({string.Join(",", g.Select(w => w.Status).Distinct())})");
        if (Meta is not null) parts.Add($"meta spend {Meta.Accepted} new/{Meta.Duplicates} same ({Meta.Status})");
        if (Google is not null) parts.Add($"google spend {Google.Accepted} new/{Google.Duplicates} same ({Google.Status})");
        return $"{At.ToLocalTime():HH:mm:ss}  " + (parts.Count == 0 ? "nothing new" : string.Join(", ", parts));
    }
}

/// <summary>
/// Keeps a running GrowHalo fed as a live shop would: every tick, each record the simulated shop changed since the
/// last tick (new orders at the requested rate, fulfilments, refunds, new customers, checkouts) goes out as a signed
/// Shopify webhook, and every minute the restated ad spend of today and yesterday goes through the batch API.
/// </summary>
public sealed class LivePusher(SimWorld world, ShopifyWebhookClient webhooks, BatchClient batches, TimeProvider time, LivePusherOptions options)
{
    private DateTimeOffset _last = time.GetUtcNow();
    private DateTimeOffset _lastAds = DateTimeOffset.MinValue;
    private double _owed;

    public async Task RunAsync(Action<TickReport> report, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.Tick, time);
        do
        {
            try
            {
                report(await TickAsync(ct));
            }
            catch (HttpRequestException e)
            {
                report(new TickReport(time.GetUtcNow(), [new Delivery($"error: {e.Message}", 0, 0, "")], null, null));
            }
        } while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }

    public async Task<TickReport> TickAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        _owed += (now - _last).TotalMinutes * options.OrdersPerMinute;
        for (var i = 0; _owed >= 1; _owed--, i++)
            world.AddLiveOrder(now.AddSeconds(-i));
        var deliveries = new List<Delivery>();
        // One delivery per changed record, its latest version: Shopify coalesces too, and the version is what counts.
        foreach (var change in world.ChangesBetween(_last, now).GroupBy(c => (c.Resource, c.Record.Id)).Select(g => g.Last()))
        {
            var created = change.Record.CreatedAt > _last;
            var topic = change.Resource switch
            {
                ShopifyResource.Orders => created ? "orders/create" : "orders/updated",
                ShopifyResource.Customers => created ? "customers/create" : "customers/update",
                ShopifyResource.Products => created ? "products/create" : "products/update",
                _ => created ? "checkouts/create" : "checkouts/update",
            };
            deliveries.Add(await webhooks.SendAsync(topic, change.Record.Render(now, world.Clock), now, ct));
        }
        _last = now;

        BatchAnswer? meta = null, google = null;
        if (now - _lastAds >= options.AdSpendEvery)
        {
            _lastAds = now;
            var today = world.Clock.DayOf(now);
            meta = await batches.SendAsync("meta", "ad_spend",
                world.Ads.Days("meta", today.AddDays(-1), today, now).Select(d => AdRowJson.Meta(d, world.Options)).ToList(), ct);
            google = await batches.SendAsync("google", "ad_spend",
                world.Ads.Days("google", today.AddDays(-1), today, now).Select(d => AdRowJson.Google(d, world.Options)).ToList(), ct);
        }
        return new TickReport(now, deliveries, meta, google);
    }

    /// <summary>One new order, sent as a signed orders/create webhook (for `growhalo simulate webhook`).</summary>
    public async Task<Delivery> SendOneOrderAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var order = world.AddLiveOrder(now);
        return await webhooks.SendAsync("orders/create", order.Render(now, world.Clock), now, ct);
    }
}

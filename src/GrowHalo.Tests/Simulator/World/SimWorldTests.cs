using System.Text.Json;
using GrowHalo.Ingestion.Google;
using GrowHalo.Ingestion.Meta;
using GrowHalo.Ingestion.Shopify;
using GrowHalo.Simulator.World;

namespace GrowHalo.Tests.Simulator.World;

public sealed class SimWorldTests
{
    private static readonly DateOnly FirstDay = new(2026, 1, 5);
    private static readonly DateTimeOffset Now = new(2026, 4, 4, 15, 30, 0, TimeSpan.Zero); // day 90, mid-afternoon

    private static SimWorld NinetyDays() => new(new WorldOptions(), FirstDay);

    private static JsonElement Json(System.Text.Json.Nodes.JsonNode node) => JsonSerializer.SerializeToElement(node);

    [Fact]
    public void every_record_of_a_ninety_day_world_parses_without_a_single_error()
    {
        var world = NinetyDays();
        var errors = new List<string>();
        void Check<T>(string what, ParseResultOf<T> parse, IEnumerable<JsonElement> items) where T : class
        {
            foreach (var item in items)
            {
                var result = parse(item);
                if (!result.IsValid) errors.Add($"{what}: {string.Join("; ", result.Errors)} in {item.GetRawText()[..120]}");
            }
        }
        JsonElement[] Rendered(ShopifyResource r) => world.Records(r, Now).Select(x => Json(x.Render(Now, world.Clock))).ToArray();
        var today = world.Clock.DayOf(Now);

        Check("order", ShopifyOrder.Parse, Rendered(ShopifyResource.Orders));
        Check("customer", ShopifyCustomer.Parse, Rendered(ShopifyResource.Customers));
        Check("product", ShopifyProduct.Parse, Rendered(ShopifyResource.Products));
        Check("checkout", ShopifyCheckout.Parse, Rendered(ShopifyResource.Checkouts));
        Check("meta", MetaInsightsRow.Parse, world.Ads.Days("meta", FirstDay, today, Now).Select(d => Json(AdRowJson.Meta(d, world.Options))));
        Check("google", GoogleAdsRow.Parse, world.Ads.Days("google", FirstDay, today, Now).Select(d => Json(AdRowJson.Google(d, world.Options))));

        Assert.Empty(errors);
        Assert.True(world.Orders(Now).Count > 90 * 50, "about a hundred orders a day");
    }

    private delegate GrowHalo.Ingestion.Parsing.ParseResult<T> ParseResultOf<T>(JsonElement json) where T : class;

    [Fact]
    public void the_world_looks_like_a_real_brand_at_a_realistic_scale()
    {
        var world = NinetyDays();
        var orders = world.Orders(Now).Select(o => ShopifyOrder.Parse(Json(o.Render(Now, world.Clock))).ValueOrThrow()).ToList();
        var perDay = orders.GroupBy(o => world.Clock.DayOf(o.CreatedAt)).Where(g => g.Key < world.Clock.DayOf(Now)).Select(g => g.Count()).ToList();

        Assert.Equal(89, perDay.Count);
        Assert.All(perDay, n => Assert.InRange(n, 50, 160));
        Assert.Contains(orders, o => o.Test);
        Assert.Contains(orders, o => o.CancelledAt is not null);
        Assert.Contains(orders, o => o.FinancialStatus == "voided");
        Assert.Contains(orders, o => o.FinancialStatus == "partially_refunded");
        Assert.Contains(orders, o => o.Refunds.Any(r => (r.CreatedAt - o.CreatedAt).TotalDays > 2));
        Assert.Contains(orders, o => o.CustomerId is null && o.Email is not null); // guest checkout
        Assert.Contains(orders, o => o.TotalDiscounts > 0 && o.TotalTax > 0 && o.TotalShipping > 0);
        var repeat = orders.Where(o => o.CustomerId is not null).GroupBy(o => o.CustomerId).Count(g => g.Count() > 1);
        Assert.True(repeat > 300, $"repeat customers: {repeat}");

        var checkouts = world.Records(ShopifyResource.Checkouts, Now).Cast<SimCheckout>().ToList();
        Assert.Contains(checkouts, c => c.CompletedAt is null);
        var recovered = checkouts.Where(c => c.CompletedAt <= Now).Select(c => c.Token).ToHashSet();
        Assert.NotEmpty(recovered);
        Assert.Equal(recovered.Count, world.Orders(Now).Count(o => o.CheckoutToken is not null && recovered.Contains(o.CheckoutToken)));

        // Blended ROAS over the period: net revenue of counted orders ÷ all ad spend.
        var counted = orders.Where(o => o.IsCounted).ToList();
        var revenue = counted.Sum(o => o.TotalPrice) - orders.SelectMany(o => o.Refunds).Sum(r => r.Amount);
        var spend = world.Ads.Days("meta", FirstDay, world.Clock.DayOf(Now), Now)
            .Concat(world.Ads.Days("google", FirstDay, world.Clock.DayOf(Now), Now)).Sum(d => d.Spend);
        Assert.InRange(revenue / spend, 2m, 4m);
    }

    [Fact]
    public void the_same_seed_and_first_day_give_the_same_world_and_another_seed_a_different_one()
    {
        string Dump(SimWorld w) => string.Join('\n', w.Records(ShopifyResource.Orders, Now).Take(500).Select(o => o.Render(Now, w.Clock).ToJsonString()));
        Assert.Equal(Dump(NinetyDays()), Dump(NinetyDays()));
        Assert.NotEqual(Dump(NinetyDays()), Dump(new SimWorld(new WorldOptions { Seed = 7 }, FirstDay)));
    }

    [Fact]
    public void an_order_shows_its_refund_only_once_the_refund_has_happened()
    {
        var world = NinetyDays();
        var order = world.Orders(Now).First(o => o.Refunds.Count == 1 && o.CancelledAt is null);
        var before = order.Refunds[0].CreatedAt.AddSeconds(-1);
        var after = order.Refunds[0].CreatedAt;

        var early = ShopifyOrder.Parse(Json(order.Render(before, world.Clock))).ValueOrThrow();
        var late = ShopifyOrder.Parse(Json(order.Render(after, world.Clock))).ValueOrThrow();
        Assert.Empty(early.Refunds);
        Assert.Equal(order.Refunds[0].Amount, late.Refunds.Single().Amount);
        Assert.True(late.UpdatedAt > early.UpdatedAt);
        Assert.Equal(early.TotalPrice, late.TotalPrice); // total_price is before refunds
    }

    [Fact]
    public void ad_spend_of_recent_days_is_restated_as_time_passes_and_settles_after_two_days()
    {
        var world = NinetyDays();
        var campaign = world.Ads.Campaigns[0];
        var today = world.Clock.DayOf(Now);
        decimal Spend(DateOnly day, DateTimeOffset at) => world.Ads.Observe(campaign, day, at)!.Spend;

        Assert.True(Spend(today, Now) > Spend(today, Now.AddHours(-3)), "today's spend grows through the day");
        Assert.NotEqual(Spend(today.AddDays(-1), Now), Spend(today.AddDays(-1), Now.AddDays(2)));
        Assert.Equal(Spend(today.AddDays(-5), Now), Spend(today.AddDays(-5), Now.AddDays(10)));
        Assert.Null(world.Ads.Observe(campaign, today.AddDays(1), Now));
    }
}

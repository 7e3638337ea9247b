using System.Text.Json;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Analytics;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Modeling.Commerce;

/// <summary>
/// A customer's facts are added to, order by order, when a batch only brings orders new to it, and recomputed from
/// every order otherwise. Orders arriving one batch at a time — late, earlier than the first, at the same instant as
/// the last, with another e-mail, after their own refund, as test orders — give the customer the facts that the same
/// orders give when they arrive together. (The customer's e-mail is the latest order's that has one, test orders too.)
/// </summary>
public sealed class CustomerFactsByBatchTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private static readonly OrderSpec First = new(701, At("2026-03-10T12:00:00Z"), 50m, CustomerId: 7, Email: "a@example.com");
    private static readonly OrderSpec Second = new(702, At("2026-03-12T12:00:00Z"), 30m, CustomerId: 7, Email: "b@example.com");
    private static readonly OrderSpec Earliest = new(700, At("2026-03-05T12:00:00Z"), 20m, CustomerId: 7, Email: "b@example.com");
    private static readonly OrderSpec Refunded = new(703, At("2026-03-14T09:00:00Z"), 40m, CustomerId: 7, Email: "b@example.com");
    private static readonly RefundSpec EarlyRefund = new(9703, At("2026-03-15T10:00:00Z"), 10m);
    private static readonly OrderSpec TestOrder = new(704, At("2026-03-13T09:00:00Z"), 99m, CustomerId: 7, Email: "test@example.com", Test: true);
    private static readonly OrderSpec SameInstantAsLast = new(706, At("2026-03-14T09:00:00Z"), 15m, CustomerId: 7, Email: "c@example.com");

    private static async Task<JsonElement> CustomerAsync(TenantClient shop)
    {
        var customer = await shop.GetAsync("/api/v1/customers/id%3A7");
        return JsonSerializer.SerializeToElement(new
        {
            email = customer.GetProperty("email").GetString(),
            first = customer.GetProperty("first_order_date").GetString(),
            last = customer.GetProperty("last_order_date").GetString(),
            orders = customer.GetProperty("orders_count").GetInt32(),
            revenue = customer.GetProperty("lifetime_revenue").GetDecimal(),
        });
    }

    [Fact]
    public async Task orders_arriving_one_batch_at_a_time_give_the_facts_they_give_together()
    {
        var oneByOne = await app.CreateTenantAsync();
        await app.AppendAsync(oneByOne.Id, Order(oneByOne.Id, First));
        await app.AppendAsync(oneByOne.Id, Order(oneByOne.Id, Second));
        Assert.Equal("b@example.com", (await CustomerAsync(oneByOne)).GetProperty("email").GetString());

        await app.AppendAsync(oneByOne.Id, Order(oneByOne.Id, Earliest)); // earlier than the first: the first moves
        var afterEarliest = await CustomerAsync(oneByOne);
        Assert.Equal("2026-03-05", afterEarliest.GetProperty("first").GetString());
        Assert.Equal("b@example.com", afterEarliest.GetProperty("email").GetString());
        Assert.Equal(100m, afterEarliest.GetProperty("revenue").GetDecimal());

        await app.AppendAsync(oneByOne.Id, Refund(oneByOne.Id, Refunded.Id, EarlyRefund)); // the refund before its order
        await app.AppendAsync(oneByOne.Id, Order(oneByOne.Id, Refunded));
        var afterRefunded = await CustomerAsync(oneByOne);
        Assert.Equal(20m + 50m + 30m + 40m - 10m, afterRefunded.GetProperty("revenue").GetDecimal());
        Assert.Equal(4, afterRefunded.GetProperty("orders").GetInt32());
        Assert.Equal("2026-03-14", afterRefunded.GetProperty("last").GetString());
        await app.AppendAsync(oneByOne.Id, Order(oneByOne.Id, TestOrder));
        await app.AppendAsync(oneByOne.Id, Order(oneByOne.Id, SameInstantAsLast)); // ties with the last: the higher id is the later

        var together = await app.CreateTenantAsync();
        await app.AppendAsync(together.Id, Refund(together.Id, Refunded.Id, EarlyRefund));
        await app.AppendAsync(together.Id, Order(together.Id, First), Order(together.Id, Second), Order(together.Id, Earliest),
            Order(together.Id, Refunded), Order(together.Id, TestOrder), Order(together.Id, SameInstantAsLast));

        var facts = await CustomerAsync(oneByOne);
        Assert.Equal("c@example.com", facts.GetProperty("email").GetString());
        Assert.Equal("2026-03-05", facts.GetProperty("first").GetString());
        Assert.Equal("2026-03-14", facts.GetProperty("last").GetString());
        Assert.Equal(5, facts.GetProperty("orders").GetInt32());
        Assert.Equal(20m + 50m + 30m + 40m - 10m + 15m, facts.GetProperty("revenue").GetDecimal());
        Assert.Equal(facts.GetRawText(), (await CustomerAsync(together)).GetRawText());
    }
}

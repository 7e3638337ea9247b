using System.Text.Json;
using GrowHalo.Tests.Analytics.Orders;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Analytics.Orders.OrderRecords;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Customers;

/// <summary>
/// GET /api/v1/customers/{customer_key}/timeline: the customer record's versions, checkouts, every version of the
/// orders that are the customer's now, and refunds — oldest first, each with its time, kind and amount.
/// </summary>
public sealed class CustomerTimelineTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static List<string> Entries(JsonElement timeline) => timeline.GetProperty("data").EnumerateArray()
        .Select(e => $"{e.GetProperty("at").GetString()} {e.GetProperty("kind").GetString()} {Id(e)} {Amount(e.GetProperty("amount"))}").ToList();

    private static string Amount(JsonElement a) =>
        a.ValueKind == JsonValueKind.Number ? a.GetDecimal().ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) : "null";

    private static string Id(JsonElement e) =>
        new[] { "refund_id", "checkout_id", "order_id" }.Select(p => e.GetProperty(p).GetString()).FirstOrDefault(v => v is not null) ?? "-";

    [Fact]
    public async Task everything_that_happened_to_a_customer_oldest_first()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Customer(shop.Id, 42, "ada@example.com", Utc(1, 1)),
            Customer(shop.Id, 42, "ada@example.com", Utc(1, 1), updatedAt: Utc(2, 1)),
            Checkout(shop.Id, "tok1", 42, "ada@example.com", Utc(3, 1, 10), Utc(3, 1, 10, 5), 100m),
            Checkout(shop.Id, "tok2", 42, "ada@example.com", Utc(3, 4, 9), null, 35m),            // abandoned an hour later
            SourceRecords.Order(shop.Id, new OrderSpec(501, Utc(3, 1, 10, 5), 100m, CustomerId: 42)),
            // edited: a new total, and placed on another day
            OrderRecords.Order(shop.Id, new OrderSpec(501, Utc(3, 1, 10, 5), 120m, CustomerId: 42, UpdatedAt: Utc(3, 2, 9)), PlacedAt(Utc(3, 2, 8))),
            Refund(shop.Id, 501, new RefundSpec(9001, Utc(3, 3), 20m)),
            SourceRecords.Order(shop.Id, new OrderSpec(502, Utc(3, 5), 50m, CustomerId: 42)),
            SourceRecords.Order(shop.Id, new OrderSpec(502, Utc(3, 5), 50m, CustomerId: 42, CancelledAt: Utc(3, 6), UpdatedAt: Utc(3, 6, 1))),
            SourceRecords.Order(shop.Id, new OrderSpec(503, Utc(3, 7), 70m, CustomerId: 43)),           // someone else's
            // The cancelled 502 recovered nothing; 504, within the 7-day recovery window, recovers tok2.
            SourceRecords.Order(shop.Id, new OrderSpec(504, Utc(3, 8), 30m, CustomerId: 42)));

        var timeline = await shop.GetAsync("/api/v1/customers/id%3A42/timeline");

        Assert.Equal([
            "2026-01-01T12:00:00+00:00 customer_created - null",
            "2026-02-01T12:00:00+00:00 customer_updated - null",
            "2026-03-01T10:00:00+00:00 checkout_started tok1 100",
            "2026-03-01T10:05:00+00:00 checkout_completed tok1 100",
            "2026-03-01T10:05:00+00:00 order_created 501 100",
            "2026-03-02T09:00:00+00:00 order_edited 501 120",
            "2026-03-03T12:00:00+00:00 refund 9001 20",
            "2026-03-04T09:00:00+00:00 checkout_started tok2 35",
            "2026-03-04T10:00:00+00:00 checkout_abandoned tok2 35",
            "2026-03-05T12:00:00+00:00 order_created 502 50",
            "2026-03-06T12:00:00+00:00 order_cancelled 502 50",
            "2026-03-08T12:00:00+00:00 order_created 504 30",
            "2026-03-08T12:00:00+00:00 checkout_recovered tok2 35",
        ], Entries(timeline));
        var recovered = timeline.GetProperty("data").EnumerateArray().Last();
        Assert.Equal("504", recovered.GetProperty("order_id").GetString());
        Assert.Equal("customer", recovered.GetProperty("recovered_by").GetString());
        var data = timeline.GetProperty("data");
        Assert.Equal("2026-03-01", data[4].GetProperty("placed_date").GetString());
        Assert.Equal("2026-03-02", data[5].GetProperty("placed_date").GetString());   // the edit moved it a day
        Assert.Equal("USD", data[6].GetProperty("currency").GetString());
        Assert.NotEqual(JsonValueKind.Null, data[5].GetProperty("received_at").ValueKind);
        Assert.Equal("id:42", timeline.GetProperty("customer_key").GetString());
    }

    [Fact]
    public async Task a_customer_known_by_email_first_and_later_by_id_and_an_order_that_moves_between_them()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            SourceRecords.Order(shop.Id, new OrderSpec(601, Utc(3, 1), 40m, Email: "jane@example.com")),     // a guest
            Customer(shop.Id, 77, "jane@example.com", Utc(3, 2)),                                             // then an account
            SourceRecords.Order(shop.Id, new OrderSpec(602, Utc(3, 3), 60m, CustomerId: 77, Email: "jane@example.com")));

        Assert.Equal(["2026-03-01T12:00:00+00:00 order_created 601 40"], Entries(await shop.GetAsync("/api/v1/customers/email%3Ajane%40example.com/timeline")));
        Assert.Equal(1, (await shop.GetAsync("/api/v1/customers/id%3A77")).GetProperty("orders_count").GetInt32());

        // Shopify links the guest order to the account: it is the account's now, with its whole history.
        await app.AppendAsync(shop.Id,
            SourceRecords.Order(shop.Id, new OrderSpec(601, Utc(3, 1), 40m, CustomerId: 77, Email: "jane@example.com", UpdatedAt: Utc(3, 4))));

        // The guest had nothing else: it is no customer any more (as in /customers).
        await shop.NotFoundAsync("/api/v1/customers/email%3Ajane%40example.com/timeline");
        var account = await shop.GetAsync("/api/v1/customers/id%3A77/timeline");
        Assert.Equal([
            "2026-03-01T12:00:00+00:00 order_created 601 40",
            "2026-03-02T12:00:00+00:00 customer_created - null",
            "2026-03-03T12:00:00+00:00 order_created 602 60",
            "2026-03-04T12:00:00+00:00 order_edited 601 40",
        ], Entries(account));
        var versions = account.GetProperty("data").EnumerateArray().Where(e => e.GetProperty("order_id").GetString() == "601")
            .Select(e => e.GetProperty("customer_key").GetString()).ToList();
        Assert.Equal(["email:jane@example.com", "id:77"], versions);
        Assert.Equal(2, (await shop.GetAsync("/api/v1/customers/id%3A77")).GetProperty("orders_count").GetInt32());
    }

    [Fact]
    public async Task an_older_version_arriving_late_takes_its_place_in_the_history()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            SourceRecords.Order(shop.Id, new OrderSpec(701, Utc(3, 1), 90m, CustomerId: 5, UpdatedAt: Utc(3, 3))));
        await app.AppendAsync(shop.Id,
            SourceRecords.Order(shop.Id, new OrderSpec(701, Utc(3, 1), 80m, CustomerId: 5, UpdatedAt: Utc(3, 2))));

        Assert.Equal([
            "2026-03-01T12:00:00+00:00 order_created 701 80",
            "2026-03-03T12:00:00+00:00 order_edited 701 90",
        ], Entries(await shop.GetAsync("/api/v1/customers/id%3A5/timeline")));
    }
}

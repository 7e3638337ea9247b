using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Platform.Events;
using GrowHalo.Platform.Events.Projections;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Customers;

/// <summary>
/// Every customer answer after <c>growhalo projections rebuild</c> equals the answer the live projection gave: a
/// shop with the awkward cases (guests, customers known by e-mail and later by id, orders edited to another day and
/// customer, cancellations, test orders, refunds after the cohort period, restated ad days) is asked the same
/// questions before and after a rebuild of the commerce projection for its tenant. Only the freshness stamps may
/// differ.
/// </summary>
public sealed class RebuildEqualsLiveTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    /// <summary>The questions asked; every customer answer belongs here.</summary>
    private static readonly string[] Questions =
    [
        "/api/v1/customers?limit=200",
        "/api/v1/customers?sort=last_order_date&order=asc&limit=200",
        "/api/v1/customers?search=shopper1",
        "/api/v1/analytics/top-customers?limit=10",
        "/api/v1/analytics/top-customers?limit=10&start=2026-02-01&end=2026-02-28",
        "/api/v1/analytics/repeat-rate?start=2026-01-01&end=2026-03-18",
        "/api/v1/analytics/repeat-rate?start=2026-02-01&end=2026-02-28",
        "/api/v1/analytics/rfm",
        "/api/v1/analytics/rfm?as_of=2026-02-15",
        "/api/v1/analytics/cohorts?start=2025-12-01&end=2026-03-18",
        "/api/v1/analytics/cohorts?start=2025-12-01&end=2026-03-18&granularity=week",
        "/api/v1/analytics/churn?limit=1000",
        "/api/v1/analytics/checkouts?start=2026-01-01&end=2026-03-18",
        "/api/v1/orders?limit=200",
        "/api/v1/orders?start=2026-02-01&end=2026-02-28&status=refunded",
        "/api/v1/products?start=2025-12-01&end=2026-03-18",
        "/api/v1/customers/id%3A1020",
        "/api/v1/customers/id%3A1020/timeline",
    ];

    /// <summary>Stamps of when an answer was made or how fresh its data was: the only fields allowed to differ.</summary>
    private static readonly HashSet<string> Stamps = ["as_of", "data_as_of", "scored_at", "computed_at", "age_hours"];

    private static DateTimeOffset Utc(int month, int day, int hour) =>
        new(month == 12 ? 2025 : 2026, month, day, hour, 0, 0, TimeSpan.Zero);

    /// <summary>A deterministic shop: 40 customers, 300 order versions, refunds, ad spend and its restatements.</summary>
    private static List<NewEvent> Shop(string tenant)
    {
        var random = new Random(20);
        var events = new List<NewEvent>();
        var months = new[] { 12, 1, 2, 3 };
        for (var i = 1; i <= 240; i++)
        {
            var month = months[random.Next(months.Length)];
            var placed = Utc(month, 1 + random.Next(month == 2 ? 28 : month == 3 ? 17 : 30), random.Next(24));
            var who = random.Next(40);
            // Customers 0–9 are guests known by e-mail only; 10–14 are known by e-mail in early orders and by id later.
            long? id = who < 10 || (who < 15 && placed < Utc(2, 1, 0)) ? null : 1000 + who;
            var refunds = random.Next(6) == 0 ? new[] { new RefundSpec(10_000 + i, placed.AddDays(random.Next(1, 60)), 5m) } : null;
            var order = new OrderSpec(i, placed, 10m + random.Next(200), CustomerId: id, Email: $"shopper{who}@example.com",
                Test: random.Next(30) == 0, CancelledAt: random.Next(25) == 0 ? placed.AddHours(3) : null, Refunds: refunds);
            events.Add(Order(tenant, order));
            if (random.Next(10) == 0)
            {
                // An edit moves the order to another day and another customer.
                var moved = placed.AddDays(random.Next(-20, 20));
                events.Add(Order(tenant, order with
                {
                    CreatedAt = moved < Utc(12, 1, 0) ? Utc(12, 1, 0) : moved > Utc(3, 17, 0) ? Utc(3, 17, 0) : moved,
                    CustomerId = 1000 + random.Next(15, 40), Email = null, UpdatedAt = placed.AddDays(70),
                }));
            }
        }
        for (var day = new DateOnly(2025, 12, 1); day <= new DateOnly(2026, 3, 18); day = day.AddDays(1))
        {
            events.Add(Ad(tenant, new AdSpec("meta", "c1", day, 20m + random.Next(30))));
            if (random.Next(5) == 0) events.Add(Ad(tenant, new AdSpec("meta", "c1", day, 25m))); // a restatement
        }
        return events;
    }

    [Fact]
    public async Task every_customer_answer_after_a_rebuild_equals_the_live_answer()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id, [.. Shop(shop.Id)]);
        var live = new List<string>();
        foreach (var question in Questions) live.Add(WithoutStamps(await shop.GetAsync(question)));

        await app.Service<ProjectionRebuilder>().RebuildAsync("commerce", shop.Id, null, CancellationToken.None);
        await app.WaitForCommerceAsync();

        for (var i = 0; i < Questions.Length; i++)
            Assert.True(live[i] == WithoutStamps(await shop.GetAsync(Questions[i])), $"{Questions[i]} changed after the rebuild");
        Assert.Contains("\"orders_count\"", live[0]); // the shop has customers: the comparison compared something
    }

    private static string WithoutStamps(JsonElement answer)
    {
        var node = JsonNode.Parse(answer.GetRawText())!;
        Strip(node);
        return node.ToJsonString();
    }

    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).Where(Stamps.Contains).ToList()) o.Remove(key);
                foreach (var (_, value) in o) Strip(value);
                break;
            case JsonArray a:
                foreach (var item in a) Strip(item);
                break;
        }
    }
}

using System.Text.Json;
using GrowHalo.Ingestion;
using GrowHalo.Ingestion.Adapters;
using GrowHalo.Platform.Events;

namespace GrowHalo.Bench;

/// <summary>Shopify REST order JSON of a realistic size (about 2 KB): customer, addresses, line items, taxes, discounts.</summary>
public static class ShopifyOrders
{
    private static readonly string[] Products = ["Merino Crew Sock", "Trail Runner 2", "Everyday Tote", "Wool Beanie", "Linen Shirt", "Canvas Cap"];
    private static readonly string[] Cities = ["Portland", "Austin", "Denver", "Brooklyn", "Oakland", "Chicago"];

    public static JsonElement Order(long id, Random random)
    {
        var created = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(id % 500_000);
        var items = Enumerable.Range(0, random.Next(1, 4)).Select(i => new
        {
            id = id * 10 + i, product_id = 7_000_000 + random.Next(1000), variant_id = 40_000_000 + random.Next(100_000),
            title = Products[random.Next(Products.Length)], sku = $"SKU-{random.Next(10_000):D5}", vendor = "Halo Goods",
            quantity = random.Next(1, 3), price = $"{random.Next(15, 120)}.00", requires_shipping = true, taxable = true,
            fulfillment_status = (string?)null, tax_lines = new[] { new { title = "State Tax", rate = 0.0625, price = "2.50" } },
        }).ToList();
        var city = Cities[random.Next(Cities.Length)];
        var address = new
        {
            first_name = "Jordan", last_name = $"Rivera{id % 97}", address1 = $"{random.Next(1, 9999)} Alder Street", city,
            province = "Oregon", province_code = "OR", country = "United States", country_code = "US", zip = "97205", phone = "+15035550100",
        };
        return EventJson.ToElement(new
        {
            id, admin_graphql_api_id = $"gid://shopify/Order/{id}", name = $"#{1000 + id}", order_number = 1000 + id,
            email = $"customer{id % 50_000}@example.com", created_at = created, updated_at = created.AddMinutes(3), processed_at = created,
            currency = "USD", presentment_currency = "USD", financial_status = "paid", fulfillment_status = (string?)null, test = false,
            subtotal_price = "96.00", total_tax = "6.00", total_discounts = "10.00", total_price = "92.00", total_weight = 850,
            source_name = "web", landing_site = "/collections/new?utm_source=meta&utm_campaign=spring", referring_site = "https://l.facebook.com/",
            customer = new { id = 6_000_000 + id % 50_000, email = $"customer{id % 50_000}@example.com", first_name = "Jordan", last_name = address.last_name,
                orders_count = random.Next(1, 9), total_spent = "412.50", accepts_marketing = true, created_at = created.AddDays(-40), tags = "vip, newsletter" },
            billing_address = address, shipping_address = address, line_items = items,
            discount_codes = new[] { new { code = "SPRING10", amount = "10.00", type = "fixed_amount" } },
            shipping_lines = new[] { new { title = "Standard", price = "0.00", code = "STANDARD" } },
            note_attributes = new[] { new { name = "gift", value = "no" } }, tags = "", refunds = Array.Empty<object>(),
        });
    }

    public static NewEvent Event(string tenant, long id, Random random) => Event(tenant, id, Order(id, random));

    /// <summary>An order as the batch API stores it: a <see cref="SourceRecordReceived"/> on the order's stream.</summary>
    public static NewEvent Event(string tenant, long id, JsonElement payload) =>
        NewEvent.Create(tenant, $"shopify:order:{id}", $"orders:{id}:v1",
            SourceRecordReceived.Create(SourceEventTypes.ShopifyOrder, Sources.Shopify, Channels.Batch, null, DateTimeOffset.UtcNow, null, payload));
}

using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using GrowHalo.Ingestion;
using GrowHalo.Platform.Events;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Orders;

/// <summary>Order versions with the fields the order and customer answers show: their own lines, placed time and tokens.</summary>
public static class OrderRecords
{
    public static DateTimeOffset Utc(int month, int day, int hour = 12, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    /// <summary>An order version as <see cref="SourceRecords.Order"/> makes it, changed by <paramref name="edit"/>.</summary>
    public static NewEvent Order(string tenant, OrderSpec spec, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(OrderPayload(spec).GetRawText())!.AsObject();
        edit(json);
        return Event(tenant, $"shopify:order:{spec.Id}", $"orders:{spec.Id}:{Time(spec.Updated)}", SourceEventTypes.ShopifyOrder,
            JsonSerializer.SerializeToElement(json));
    }

    public static Action<JsonObject> Lines(params (long ProductId, string Title, long Quantity, decimal Price)[] lines) => json =>
        json["line_items"] = new JsonArray(lines.Select((l, i) => (JsonNode)new JsonObject
        {
            ["id"] = i + 1, ["product_id"] = l.ProductId, ["variant_id"] = l.ProductId * 10, ["title"] = l.Title,
            ["quantity"] = l.Quantity, ["price"] = Money(l.Price), ["sku"] = $"SKU-{l.ProductId}",
        }).ToArray());

    public static Action<JsonObject> PlacedAt(DateTimeOffset at) => json => json["processed_at"] = Time(at);

    public static NewEvent Checkout(string tenant, string token, long? customerId, string? email, DateTimeOffset created,
        DateTimeOffset? completed, decimal total)
    {
        var json = JsonNode.Parse(CatalogRecords.CheckoutPayload(token, email, created, completed ?? created, completed, total).GetRawText())!.AsObject();
        if (customerId is not null) json["customer"] = new JsonObject { ["id"] = customerId };
        return Event(tenant, $"shopify:checkout:{token}", $"checkouts:{token}:{Time(completed ?? created)}", SourceEventTypes.ShopifyCheckout,
            JsonSerializer.SerializeToElement(json));
    }

    public static NewEvent Product(string tenant, long id, string title) =>
        Event(tenant, $"shopify:product:{id}", $"products:{id}", SourceEventTypes.ShopifyProduct,
            CatalogRecords.ProductPayload(id, title, Utc(1, 1), 10m));

    /// <summary>GET <paramref name="url"/>, which must answer a 404 problem; its JSON.</summary>
    public static async Task<JsonElement> NotFoundAsync(this TenantClient client, string url)
    {
        var result = await client.Scenario(s =>
        {
            s.Get.Url(url);
            s.StatusCodeShouldBe(HttpStatusCode.NotFound);
            s.ContentTypeShouldBe("application/problem+json");
        });
        return JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.Clone();
    }
}

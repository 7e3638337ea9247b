using System.Text.Json.Nodes;

namespace GrowHalo.Simulator.World;

/// <summary>A product with one variant; its price may change once during the simulated period.</summary>
public sealed record SimProduct(long Id, long VariantId, string Title, string ProductType, string Sku, decimal Price,
    DateTimeOffset CreatedAt, DateTimeOffset? RepricedAt = null, decimal? NewPrice = null) : ISimRecord
{
    public IReadOnlyList<DateTimeOffset> ChangeTimes => RepricedAt is null ? [CreatedAt] : [CreatedAt, RepricedAt.Value];

    public decimal PriceAt(DateTimeOffset asOf) => RepricedAt is not null && RepricedAt <= asOf ? NewPrice!.Value : Price;

    public JsonObject Render(DateTimeOffset asOf, SimClock clock)
    {
        var updated = clock.Format(this.UpdatedAt(asOf));
        return new JsonObject
        {
            ["id"] = Id,
            ["title"] = Title,
            ["body_html"] = $"<p>{Title} by Halo Goods.</p>",
            ["vendor"] = "Halo Goods",
            ["product_type"] = ProductType,
            ["handle"] = Title.ToLowerInvariant().Replace(' ', '-'),
            ["created_at"] = clock.Format(CreatedAt),
            ["updated_at"] = updated,
            ["published_at"] = clock.Format(CreatedAt),
            ["status"] = "active",
            ["tags"] = ProductType.ToLowerInvariant(),
            ["admin_graphql_api_id"] = $"gid://shopify/Product/{Id}",
            ["variants"] = new JsonArray(new JsonObject
            {
                ["id"] = VariantId,
                ["product_id"] = Id,
                ["title"] = "Default Title",
                ["price"] = SimClock.Money(PriceAt(asOf)),
                ["sku"] = Sku,
                ["position"] = 1,
                ["inventory_quantity"] = 100 + (int)(Id % 400),
                ["created_at"] = clock.Format(CreatedAt),
                ["updated_at"] = updated,
                ["admin_graphql_api_id"] = $"gid://shopify/ProductVariant/{VariantId}",
            }),
        };
    }
}

using GrowHalo.Ingestion.Shopify;
using GrowHalo.Platform.Database;
using GrowHalo.Platform.Events.Projections;

namespace GrowHalo.Modeling.Catalog;

/// <summary>Latest state (greatest updated_at) of carts, for the checkout funnel. One statement per batch.</summary>
internal static class CartWriter
{
    private const string Sql = """
        insert into carts as c (tenant_id, cart_token, customer_key, email, created_at, updated_at, line_items, quantity,
            total_price, currency)
        select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[],
            $7::integer[], $8::bigint[], $9::numeric[], $10::text[])
        on conflict (tenant_id, cart_token) do update set
            customer_key = excluded.customer_key, email = excluded.email, created_at = excluded.created_at,
            updated_at = excluded.updated_at, line_items = excluded.line_items, quantity = excluded.quantity,
            total_price = excluded.total_price, currency = excluded.currency
        where excluded.updated_at > c.updated_at
        """;

    public static async Task WriteAsync(ProjectionContext context, IReadOnlyCollection<KeyValuePair<(string Tenant, string Id), ShopifyCart>> carts, CancellationToken ct)
    {
        if (carts.Count == 0) return;
        var list = carts.Select(c => (c.Key.Tenant, Cart: c.Value)).ToList();
        await using var cmd = context.Command(Sql)
            .WithTexts(list.Select(x => x.Tenant)).WithTexts(list.Select(x => x.Cart.Token)).WithTexts(list.Select(x => x.Cart.CustomerKey))
            .WithTexts(list.Select(x => x.Cart.Email)).WithTimestamps(list.Select(x => x.Cart.CreatedAt))
            .WithTimestamps(list.Select(x => x.Cart.UpdatedAt)).With(list.Select(x => x.Cart.LineItems).ToArray())
            .With(list.Select(x => x.Cart.Quantity).ToArray()).With(list.Select(x => x.Cart.TotalPrice).ToArray())
            .WithTexts(list.Select(x => x.Cart.Currency));
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

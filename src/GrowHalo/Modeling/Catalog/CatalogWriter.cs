using System.Text.Json;
using GrowHalo.Platform.Events;
using GrowHalo.Platform.Events.Projections;
using GrowHalo.Ingestion.Shopify;
using GrowHalo.Platform.Database;

namespace GrowHalo.Modeling.Catalog;

/// <summary>Latest state (greatest updated_at) of products and checkouts, for later analytics such as abandoned checkouts.</summary>
internal static class CatalogWriter
{
    private const string ProductsSql = """
        insert into products as p (tenant_id, product_id, title, product_type, vendor, status, updated_at, variants)
        select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::jsonb[])
        on conflict (tenant_id, product_id) do update set
            title = excluded.title, product_type = excluded.product_type, vendor = excluded.vendor, status = excluded.status,
            updated_at = excluded.updated_at, variants = excluded.variants
        where excluded.updated_at > p.updated_at
        """;

    private const string CheckoutsSql = """
        insert into checkouts as c (tenant_id, checkout_id, customer_key, email, created_at, updated_at, completed_at,
            total_price, currency, recovery_url, cart_token)
        select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[],
            $7::timestamptz[], $8::numeric[], $9::text[], $10::text[], $11::text[])
        on conflict (tenant_id, checkout_id) do update set
            customer_key = excluded.customer_key, email = excluded.email, created_at = excluded.created_at,
            updated_at = excluded.updated_at, completed_at = excluded.completed_at, total_price = excluded.total_price,
            currency = excluded.currency, recovery_url = excluded.recovery_url, cart_token = excluded.cart_token
        where excluded.updated_at > c.updated_at
        """;

    public static async Task WriteProductsAsync(ProjectionContext context, IReadOnlyCollection<KeyValuePair<(string Tenant, string Id), ShopifyProduct>> products, CancellationToken ct)
    {
        if (products.Count == 0) return;
        var list = products.Select(p => (p.Key.Tenant, Product: p.Value)).ToList();
        await using var cmd = context.Command(ProductsSql)
            .WithTexts(list.Select(x => x.Tenant)).WithTexts(list.Select(x => x.Product.Id)).WithTexts(list.Select(x => x.Product.Title))
            .WithTexts(list.Select(x => x.Product.ProductType)).WithTexts(list.Select(x => x.Product.Vendor))
            .WithTexts(list.Select(x => x.Product.Status)).WithTimestamps(list.Select(x => x.Product.UpdatedAt))
            .WithJsonArray(list.Select(x => JsonSerializer.SerializeToUtf8Bytes(x.Product.Variants, EventJson.Options)));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task WriteCheckoutsAsync(ProjectionContext context, IReadOnlyCollection<KeyValuePair<(string Tenant, string Id), ShopifyCheckout>> checkouts, CancellationToken ct)
    {
        if (checkouts.Count == 0) return;
        var list = checkouts.Select(c => (c.Key.Tenant, Checkout: c.Value)).ToList();
        await using var cmd = context.Command(CheckoutsSql)
            .WithTexts(list.Select(x => x.Tenant)).WithTexts(list.Select(x => x.Checkout.Id)).WithTexts(list.Select(x => x.Checkout.CustomerKey))
            .WithTexts(list.Select(x => x.Checkout.Email)).WithTimestamps(list.Select(x => x.Checkout.CreatedAt))
            .WithTimestamps(list.Select(x => x.Checkout.UpdatedAt)).WithTimestamps(list.Select(x => x.Checkout.CompletedAt))
            .With(list.Select(x => x.Checkout.TotalPrice).ToArray()).WithTexts(list.Select(x => x.Checkout.Currency))
            .WithTexts(list.Select(x => x.Checkout.RecoveryUrl)).WithTexts(list.Select(x => x.Checkout.CartToken));
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

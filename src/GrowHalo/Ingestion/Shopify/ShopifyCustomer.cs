using System.Text.Json;
using GrowHalo.Ingestion.Parsing;

namespace GrowHalo.Ingestion.Shopify;

public sealed record ShopifyCustomer(
    string Id, string? Email, string? FirstName, string? LastName, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string? City = null, string? Country = null)
{
    public string StreamId => $"shopify:customer:{Id}";
    public string Key => KeyOf(Id, Email)!;

    /// <summary>"id:123" for a known customer, else "email:jane@example.com" (trimmed, lower-case); null when neither.</summary>
    public static string? KeyOf(string? customerId, string? email) =>
        !string.IsNullOrWhiteSpace(customerId) ? $"id:{customerId}"
        : !string.IsNullOrWhiteSpace(email) ? $"email:{email.Trim().ToLowerInvariant()}"
        : null;

    public static ParseResult<ShopifyCustomer> Parse(JsonElement json)
    {
        using var f = new JsonFields(json);
        var id = f.Id("id|admin_graphql_api_id", required: true);
        var created = f.Timestamp("created_at|createdAt", required: true);
        var updated = f.Timestamp("updated_at|updatedAt") ?? created;
        var email = f.String("email|defaultEmailAddress.emailAddress");
        if (f.Errors.Count > 0 || id is null || created is null) return ParseResult<ShopifyCustomer>.Invalid(f.Errors);
        // The default address's city and country (ISO code where the record has one): where the customer is.
        return ParseResult<ShopifyCustomer>.Ok(new ShopifyCustomer(id, email, f.String("first_name|firstName"),
            f.String("last_name|lastName"), created.Value, updated!.Value, f.String("default_address.city|defaultAddress.city"),
            f.String("default_address.country_code|defaultAddress.countryCodeV2|default_address.country|defaultAddress.country")));
    }
}

public sealed record ShopifyProductVariant(string? Id, decimal Price, string? Sku);

public sealed record ShopifyProduct(string Id, string Title, string? ProductType, string? Vendor, string? Status,
    DateTimeOffset UpdatedAt, IReadOnlyList<ShopifyProductVariant> Variants)
{
    public string StreamId => $"shopify:product:{Id}";

    public static ParseResult<ShopifyProduct> Parse(JsonElement json)
    {
        using var f = new JsonFields(json);
        var id = f.Id("id|admin_graphql_api_id", required: true);
        var title = f.String("title", required: true);
        var updated = f.Timestamp("updated_at|updatedAt", required: true);
        var variants = f.Array("variants").Select(v => new JsonFields(v))
            .Select(v => new ShopifyProductVariant(v.Id("id"), v.Decimal("price") ?? 0m, v.String("sku"))).ToList();
        if (f.Errors.Count > 0 || id is null || title is null || updated is null) return ParseResult<ShopifyProduct>.Invalid(f.Errors);
        return ParseResult<ShopifyProduct>.Ok(new ShopifyProduct(id, title, f.String("product_type|productType"),
            f.String("vendor"), f.String("status")?.ToLowerInvariant(), updated.Value, variants));
    }
}

/// <summary>
/// A checkout; one with no completed_at after a while is an abandoned checkout. Its id is its token (what an order's
/// checkout_token names), else its numeric id; <see cref="CartToken"/> is the cart it was started from.
/// </summary>
public sealed record ShopifyCheckout(string Id, string? Email, string? CustomerId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt, decimal TotalPrice, string? Currency, string? RecoveryUrl, string? CartToken = null)
{
    public string StreamId => $"shopify:checkout:{Id}";
    public string? CustomerKey => ShopifyCustomer.KeyOf(CustomerId, Email);

    public static ParseResult<ShopifyCheckout> Parse(JsonElement json)
    {
        using var f = new JsonFields(json);
        var id = f.Id("token|id", required: true);
        var created = f.Timestamp("created_at|createdAt", required: true);
        var updated = f.Timestamp("updated_at|updatedAt") ?? created;
        var total = f.Decimal("total_price|totalPriceSet.shopMoney.amount") ?? 0m;
        if (f.Errors.Count > 0 || id is null || created is null) return ParseResult<ShopifyCheckout>.Invalid(f.Errors);
        return ParseResult<ShopifyCheckout>.Ok(new ShopifyCheckout(id, f.String("email"), f.Object("customer")?.Id("id"),
            created.Value, updated!.Value, f.Timestamp("completed_at|completedAt"), total,
            f.String("currency|presentment_currency")?.ToUpperInvariant(), f.String("abandoned_checkout_url"), f.String("cart_token")));
    }
}

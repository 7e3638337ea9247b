using System.Text.Json;
using GrowHalo.Ingestion.Parsing;

namespace GrowHalo.Ingestion.Shopify;

/// <summary>
/// One of a customer's addresses, in the shape GrowHalo stores and answers (customers.addresses): REST and GraphQL
/// spellings made one; <see cref="Default"/> marks the customer's default address.
/// </summary>
public sealed record ShopifyAddress(string? Address1, string? Address2, string? City, string? Province, string? CountryCode,
    string? Zip, bool Default);

public sealed record ShopifyCustomer(
    string Id, string? Email, string? FirstName, string? LastName, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string? City = null, string? Country = null)
{
    /// <summary>Tags as Shopify lists them (REST: one comma-separated string; GraphQL: an array), trimmed, without blanks.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>E-mail marketing consent: subscribed or not; null when the record does not say.</summary>
    public bool? AcceptsMarketing { get; init; }

    public IReadOnlyList<ShopifyAddress> Addresses { get; init; } = [];
    public string? Phone { get; init; }

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
        var tags = ParseTags(f);
        var consent = ParseConsent(f);
        var addresses = ParseAddresses(f);
        var phone = f.String("phone|defaultPhoneNumber.phoneNumber");
        // The default address's city and country (ISO code where the record has one): where the customer is.
        return ParseResult<ShopifyCustomer>.Ok(new ShopifyCustomer(id, email, f.String("first_name|firstName"),
            f.String("last_name|lastName"), created.Value, updated!.Value, f.String("default_address.city|defaultAddress.city"),
            f.String("default_address.country_code|defaultAddress.countryCodeV2|default_address.country|defaultAddress.country"))
        {
            Tags = tags, AcceptsMarketing = consent, Addresses = addresses, Phone = string.IsNullOrWhiteSpace(phone) ? null : phone.Trim(),
        });
    }

    /// <summary>Lenient: tags of another shape are no tags, not a rejected record.</summary>
    private static List<string> ParseTags(JsonFields f)
    {
        if (!f.TryGet("tags", out var tags)) return [];
        IEnumerable<string?> raw = tags.ValueKind switch
        {
            JsonValueKind.String => tags.GetString()!.Split(','),
            JsonValueKind.Array => tags.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String ? t.GetString() : null),
            _ => [],
        };
        return raw.Select(t => t?.Trim()).Where(t => !string.IsNullOrEmpty(t)).Distinct(StringComparer.Ordinal).ToList()!;
    }

    /// <summary>The consent object when the record has one (REST email_marketing_consent, GraphQL emailMarketingConsent), else the legacy flag.</summary>
    private static bool? ParseConsent(JsonFields f)
    {
        var state = f.String("email_marketing_consent.state|emailMarketingConsent.marketingState");
        return state is not null ? string.Equals(state, "subscribed", StringComparison.OrdinalIgnoreCase) : f.Bool("accepts_marketing|acceptsMarketing");
    }

    private static List<ShopifyAddress> ParseAddresses(JsonFields f)
    {
        var defaultId = f.Id("default_address.id|defaultAddress.id");
        return f.Array("addresses").Where(a => a.ValueKind == JsonValueKind.Object).Select(a =>
        {
            using var x = new JsonFields(a);
            var id = x.Id("id");
            return new ShopifyAddress(x.String("address1"), x.String("address2"), x.String("city"), x.String("province|provinceCode"),
                x.String("country_code|countryCodeV2|countryCode")?.ToUpperInvariant(),
                x.String("zip"), x.Bool("default") ?? (id is not null && id == defaultId));
        }).ToList();
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

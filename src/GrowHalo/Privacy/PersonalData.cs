using System.Text.Json;
using System.Text.Json.Nodes;

namespace GrowHalo.Privacy;

/// <summary>
/// Where a customer's personal data sits in Shopify's records (orders, customers, checkouts, carts, refunds, in REST
/// and GraphQL spelling), and how a record is made to hold none: names, phones, addresses, notes, IPs and browser
/// data are removed (null, or an empty list); e-mails become the redaction's pseudonym for them (so a guest customer, known
/// only by e-mail, stays one customer and the counts do not change); any other string equal to a value the customer
/// was known by is replaced too. Amounts, dates, ids, line items and statuses stay, so revenue does not change.
/// </summary>
public static class PersonalData
{
    public const string Redacted = "[redacted]";

    /// <summary>Fields whose value is personal wherever they appear: removed (null).</summary>
    private static readonly HashSet<string> Removed = new(StringComparer.OrdinalIgnoreCase)
    {
        "first_name", "firstName", "last_name", "lastName", "display_name", "displayName", "phone", "phoneNumber",
        "sms_marketing_phone", "note", "note_attributes", "noteAttributes", "customAttributes",
        "browser_ip", "browserIp", "clientIp", "client_ip", "client_details", "clientDetails",
        "billing_address", "billingAddress", "shipping_address", "shippingAddress", "default_address", "defaultAddress",
        "destination", "address1", "address2", "zip", "latitude", "longitude", "company", "landing_site_ref",
        "defaultPhoneNumber", "customer_locale", "customerLocale",
    };

    /// <summary>Lists of personal records: emptied.</summary>
    private static readonly HashSet<string> Emptied = new(StringComparer.OrdinalIgnoreCase) { "addresses" };

    /// <summary>E-mail fields: the pseudonym.</summary>
    private static readonly HashSet<string> Emails = new(StringComparer.OrdinalIgnoreCase)
    {
        "email", "contact_email", "contactEmail", "customer_email", "emailAddress", "buyer_email",
    };

    /// <summary>A copy of <paramref name="record"/> holding no personal data, and the values it held (to find them elsewhere).</summary>
    public static JsonElement Mask(JsonElement record, Func<string, string> pseudonym, ISet<string> knownValues)
    {
        var node = JsonNode.Parse(record.GetRawText());
        Walk(node, pseudonym, knownValues);
        return JsonSerializer.SerializeToElement(node);
    }

    /// <summary>Fields whose values identify the customer anywhere else they occur (in a tag, an attribute, a URL).</summary>
    private static readonly HashSet<string> Identifying = new(StringComparer.OrdinalIgnoreCase)
    {
        "first_name", "firstName", "last_name", "lastName", "display_name", "displayName", "phone", "phoneNumber", "sms_marketing_phone",
    };

    /// <summary>The e-mails, names and phones a record holds, to replace wherever else they occur.</summary>
    public static void Collect(JsonElement record, ISet<string> into)
    {
        switch (record.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in record.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.String &&
                        (Identifying.Contains(p.Name) || Emails.Contains(p.Name) || p.Name.Equals("name", StringComparison.OrdinalIgnoreCase) && IsPersonalObject(record)))
                        AddKnown(into, p.Value.GetString());
                    else Collect(p.Value, into);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in record.EnumerateArray()) Collect(item, into);
                break;
        }
    }

    public static void AddKnown(ISet<string> into, string? value)
    {
        var v = value?.Trim();
        // Short values ("Jo") are too common to look for across a record; their own fields are removed anyway.
        if (v is { Length: >= 3 }) into.Add(v);
    }

    /// <summary>An e-mail or a phone number: found inside longer strings, and never by chance.</summary>
    public static bool IsIdentifying(string value) => value.Contains('@') || value.Count(char.IsAsciiDigit) >= 6;

    /// <summary>A person or an address (it has a first or last name beside its name), not an order's "#1001" or a product.</summary>
    private static bool IsPersonalObject(JsonElement o) =>
        PersonKeys.Any(k => o.TryGetProperty(k, out _));

    private static readonly string[] PersonKeys = ["first_name", "firstName", "last_name", "lastName"];

    private static void Walk(JsonNode? node, Func<string, string> pseudonym, ISet<string> known)
    {
        switch (node)
        {
            case JsonObject o:
                var personal = PersonKeys.Any(o.ContainsKey);
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (Removed.Contains(key)) o[key] = null;
                    else if (Emptied.Contains(key)) o[key] = new JsonArray();
                    else if (Emails.Contains(key)) o[key] = o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? pseudonym(v.GetValue<string>().Trim().ToLowerInvariant()) : null;
                    else if (personal && key.Equals("name", StringComparison.OrdinalIgnoreCase)) o[key] = null;
                    else if (o[key] is JsonValue value) o[key] = Scrub(value, pseudonym, known);
                    else Walk(o[key], pseudonym, known);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is JsonValue value) a[i] = Scrub(value, pseudonym, known);
                    else Walk(a[i], pseudonym, known);
                }
                break;
        }
    }

    /// <summary>A string holding a known personal value anywhere (a tag, an attribute, a URL) is replaced whole.</summary>
    private static JsonNode? Scrub(JsonValue value, Func<string, string> pseudonym, ISet<string> known)
    {
        if (value.GetValueKind() != JsonValueKind.String) return value.DeepClone();
        var text = value.GetValue<string>();
        foreach (var k in known)
        {
            // E-mails and phones are found inside longer strings; names only as the whole value (a name inside a product
            // title is more likely the product's).
            var isEmail = k.Contains('@');
            var found = IsIdentifying(k)
                ? text.Contains(k, StringComparison.OrdinalIgnoreCase)
                : text.Trim().Equals(k, StringComparison.OrdinalIgnoreCase);
            if (found) return isEmail && text.Trim().Equals(k, StringComparison.OrdinalIgnoreCase) ? pseudonym(k.ToLowerInvariant()) : Redacted;
        }
        return value.DeepClone();
    }
}

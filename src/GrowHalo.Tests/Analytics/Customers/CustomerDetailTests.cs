using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Ingestion;
using GrowHalo.Platform.Events;
using GrowHalo.Tests.Analytics.Orders;
using GrowHalo.Tests.Modeling;
using static GrowHalo.Tests.Analytics.Orders.OrderRecords;
using static GrowHalo.Tests.Modeling.SourceRecords;

namespace GrowHalo.Tests.Analytics.Customers;

/// <summary>
/// GET /api/v1/customers/{customer_key}: the customer's /customers row plus what the Shopify customer record says
/// (tags, marketing consent, phone, addresses, created_at), from REST and GraphQL records alike; guests by e-mail.
/// </summary>
public sealed class CustomerDetailTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static NewEvent Record(string tenant, long id, DateTimeOffset updated, JsonObject json)
    {
        json["id"] ??= id;
        json["created_at"] ??= Time(Utc(1, 1));
        json["updated_at"] = Time(updated);
        return Event(tenant, $"shopify:customer:{id}", $"customers:{id}:{Time(updated)}", SourceEventTypes.ShopifyCustomer,
            JsonSerializer.SerializeToElement(json));
    }

    private static string Path(string key) => $"/api/v1/customers/{Uri.EscapeDataString(key)}";

    [Fact]
    public async Task a_rest_record_gives_tags_consent_phone_and_addresses_beside_the_row()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id,
            Record(shop.Id, 42, Utc(1, 2), new JsonObject
            {
                ["email"] = "ada@example.com", ["first_name"] = "Ada", ["last_name"] = "Lovelace", ["phone"] = "+44 20 7946 0000",
                ["tags"] = "vip, wholesale ,, vip", ["accepts_marketing"] = false,
                ["email_marketing_consent"] = new JsonObject { ["state"] = "subscribed" }, // the consent object wins over the legacy flag
                ["default_address"] = new JsonObject { ["city"] = "London", ["country_code"] = "GB" },
                ["addresses"] = new JsonArray(
                    new JsonObject { ["id"] = 1, ["address1"] = "12 St James's Sq", ["address2"] = null, ["city"] = "London",
                        ["province"] = null, ["country_code"] = "GB", ["zip"] = "SW1Y 4LB", ["default"] = true },
                    new JsonObject { ["id"] = 2, ["address1"] = "1 Main St", ["address2"] = "Apt 4", ["city"] = "Austin",
                        ["province"] = "Texas", ["country_code"] = "us", ["zip"] = "78701", ["default"] = false }),
            }),
            SourceRecords.Order(shop.Id, new OrderSpec(1, Utc(3, 1), 100m, CustomerId: 42, Refunds: [new RefundSpec(11, Utc(3, 2), 30m)])),
            SourceRecords.Order(shop.Id, new OrderSpec(2, Utc(3, 5), 50m, CustomerId: 42)));

        var ada = await shop.GetAsync(Path("id:42"));

        // The row's fields, as /customers lists them
        var row = (await shop.GetAsync("/api/v1/customers")).GetProperty("data")[0];
        foreach (var field in row.EnumerateObject()) Assert.Equal(field.Value.ToString(), ada.GetProperty(field.Name).ToString());
        Assert.Equal("id:42", ada.GetProperty("customer_key").GetString());
        Assert.Equal(2, ada.GetProperty("orders_count").GetInt32());
        Assert.Equal(120m, ada.GetProperty("lifetime_revenue").GetDecimal());
        Assert.Equal("London", ada.GetProperty("city").GetString());
        // and the profile
        Assert.Equal(["vip", "wholesale"], ada.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.True(ada.GetProperty("accepts_marketing").GetBoolean());
        Assert.Equal("+44 20 7946 0000", ada.GetProperty("phone").GetString());
        Assert.Equal("2026-01-01T12:00:00+00:00", ada.GetProperty("created_at").GetString());
        Assert.Equal("2026-01-02T12:00:00+00:00", ada.GetProperty("updated_at").GetString());
        var addresses = ada.GetProperty("addresses").EnumerateArray().ToList();
        Assert.Equal(2, addresses.Count);
        Assert.Equal(
            ["address1=1 Main St", "address2=Apt 4", "city=Austin", "country_code=US", "default=False", "province=Texas", "zip=78701"],
            addresses[1].EnumerateObject().Select(p => $"{p.Name}={p.Value}").Order(StringComparer.Ordinal));
        Assert.True(addresses[0].GetProperty("default").GetBoolean());
        Assert.Equal("USD", ada.GetProperty("currency").GetString());
        Assert.NotEqual(JsonValueKind.Null, ada.GetProperty("as_of").ValueKind);
    }

    [Fact]
    public async Task a_graphql_record_reads_alike_and_a_newer_version_replaces_the_profile()
    {
        var shop = await app.CreateTenantAsync();
        JsonObject Graph(string state, JsonArray tags) => new()
        {
            ["id"] = "gid://shopify/Customer/43", ["createdAt"] = Time(Utc(1, 1)), ["email"] = "grace@example.com",
            ["firstName"] = "Grace", ["lastName"] = "Hopper", ["phone"] = "+1 555 0100", ["tags"] = tags,
            ["emailMarketingConsent"] = new JsonObject { ["marketingState"] = state },
            ["defaultAddress"] = new JsonObject { ["id"] = "gid://shopify/MailingAddress/9", ["city"] = "Arlington", ["countryCodeV2"] = "US" },
            ["addresses"] = new JsonArray(
                new JsonObject { ["id"] = "gid://shopify/MailingAddress/8", ["address1"] = "2 Navy Way", ["city"] = "Norfolk",
                    ["provinceCode"] = "VA", ["countryCodeV2"] = "US", ["zip"] = "23511" },
                new JsonObject { ["id"] = "gid://shopify/MailingAddress/9", ["address1"] = "1 Pentagon", ["city"] = "Arlington",
                    ["provinceCode"] = "VA", ["countryCodeV2"] = "US", ["zip"] = "22202" }),
        };
        await app.AppendAsync(shop.Id, Record(shop.Id, 43, Utc(2, 1), Graph("SUBSCRIBED", ["early"])));
        Assert.True((await shop.GetAsync(Path("id:43"))).GetProperty("accepts_marketing").GetBoolean());

        await app.AppendAsync(shop.Id, Record(shop.Id, 43, Utc(2, 5), Graph("UNSUBSCRIBED", ["navy", "admiral"])));

        var grace = await shop.GetAsync(Path("id:43"));
        Assert.False(grace.GetProperty("accepts_marketing").GetBoolean());
        Assert.Equal(["navy", "admiral"], grace.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("+1 555 0100", grace.GetProperty("phone").GetString());
        var addresses = grace.GetProperty("addresses").EnumerateArray().ToList();
        Assert.Equal([false, true], addresses.Select(a => a.GetProperty("default").GetBoolean()));
        Assert.Equal("VA", addresses[1].GetProperty("province").GetString());
        Assert.Equal(0, grace.GetProperty("orders_count").GetInt32());
        Assert.Equal(JsonValueKind.Null, grace.GetProperty("first_order_date").ValueKind);
    }

    [Fact]
    public async Task a_guest_is_found_by_email_key_in_any_case_and_has_no_profile()
    {
        var shop = await app.CreateTenantAsync();
        await app.AppendAsync(shop.Id, SourceRecords.Order(shop.Id, new OrderSpec(7, Utc(3, 1), 80m, Email: "Guest@Example.com")));

        var guest = await shop.GetAsync(Path("email:GUEST@example.com"));

        Assert.Equal("email:guest@example.com", guest.GetProperty("customer_key").GetString());
        Assert.Equal(1, guest.GetProperty("orders_count").GetInt32());
        Assert.Equal(80m, guest.GetProperty("lifetime_revenue").GetDecimal());
        Assert.Equal(0, guest.GetProperty("tags").GetArrayLength());
        Assert.Equal(0, guest.GetProperty("addresses").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, guest.GetProperty("accepts_marketing").ValueKind);
        Assert.Equal(JsonValueKind.Null, guest.GetProperty("created_at").ValueKind);
        // The key unencoded in the path works too.
        Assert.Equal(1, (await shop.GetAsync("/api/v1/customers/email:guest@example.com")).GetProperty("orders_count").GetInt32());
    }

    [Theory]
    [InlineData("")]
    [InlineData("/timeline")]
    public async Task an_unknown_key_or_another_tenants_key_is_a_404_that_says_how_keys_look(string suffix)
    {
        var shop = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        await app.AppendAsync(other.Id, SourceRecords.Order(other.Id, new OrderSpec(9, Utc(3, 1), 10m, CustomerId: 99)));
        await other.GetAsync(Path("id:99") + suffix); // its own tenant sees it

        var problem = await shop.NotFoundAsync(Path("id:99") + suffix);
        Assert.Contains("id:123", problem.GetProperty("detail").GetString());
        Assert.Contains("email:", problem.GetProperty("detail").GetString());
        await shop.NotFoundAsync(Path("nonsense") + suffix);
    }
}

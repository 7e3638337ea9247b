using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowHalo.Tests.Infrastructure;
using GrowHalo.Tests.Ingestion;
using GrowHalo.Tests.Platform.Tenancy;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static GrowHalo.Tests.Ingestion.IngestionApp;

namespace GrowHalo.Tests.Privacy;

/// <summary>The ingestion host with every log line captured and a privacy worker that retries quickly.</summary>
public sealed class PrivacyApp : IngestionApp
{
    public const string Secret = "shpss_privacy_secret";

    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s => s.AddSingleton<Serilog.Core.ILogEventSink>(Logs));
        builder.UseSetting("Serilog:MinimumLevel:Default", "Verbose");
        builder.UseSetting("Serilog:MinimumLevel:Override:GrowHalo", "Verbose");
        builder.UseSetting("Privacy:PollInterval", "00:00:00.200");
        builder.UseSetting("Privacy:RetryDelay", "00:00:00.200");
    }

    /// <summary>A tenant with a Shopify connection (webhook secret <see cref="Secret"/>).</summary>
    public async Task<Shop> ShopAsync()
    {
        var tenant = await CreateTenantAsync();
        var domain = Unique.Shop();
        var connection = await ConnectAsync(tenant, "shopify", domain, Secret);
        return new Shop(this, tenant, domain, connection);
    }

    /// <summary>Waits until the privacy request is completed (the worker acts within a poll); its row as JSON.</summary>
    public async Task<JsonElement> CompletedAsync(Guid id, int seconds = 30)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            await using var cmd = DataSource.CreateCommand("select to_jsonb(p)::text from privacy_requests p where id = $1");
            cmd.Parameters.Add(new() { Value = id });
            var json = await cmd.ExecuteScalarAsync() as string;
            var row = json is null ? default : JsonDocument.Parse(json).RootElement.Clone();
            if (json is not null && row.GetProperty("state").GetString() == "completed") return row;
            if (DateTime.UtcNow > until) throw new TimeoutException($"privacy request {id} not completed: {json}");
            await Task.Delay(100);
        }
    }
}

/// <summary>A tenant with a connected Shopify shop: sends it signed webhooks as Shopify does.</summary>
public sealed record Shop(PrivacyApp App, TenantClient Tenant, string Domain, string ConnectionId)
{
    public string Id => Tenant.Id;

    public async Task<JsonElement> SendAsync(string topic, JsonNode body, HttpStatusCode status = HttpStatusCode.Created, string? webhookId = null)
    {
        var result = await App.SendAsync(ShopifyWebhook(Domain, topic, body.ToJsonString(), PrivacyApp.Secret, webhookId ?? Guid.NewGuid().ToString()), status);
        return await JsonOf(result);
    }

    /// <summary>Sends a privacy webhook and returns the request id (the stored event's id).</summary>
    public async Task<Guid> RequestAsync(string topic, JsonObject body, HttpStatusCode status = HttpStatusCode.Created, string? webhookId = null)
    {
        body["shop_domain"] ??= Domain;
        var receipt = await SendAsync(topic, body, status, webhookId);
        return receipt.GetProperty("events")[0].GetProperty("id").GetGuid();
    }
}

/// <summary>Shopify records carrying personal data where Shopify puts it, and the privacy webhooks' bodies.</summary>
public static class PrivacySamples
{
    public sealed record Person(long? Id, string Email, string FirstName, string LastName, string Phone);

    public static Person NewPerson(string first, string last, bool guest = false)
    {
        // Unique across the shared database, so a search for one person never finds another test's.
        var n = Unique.Id();
        var letters = new string([.. n.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(d => (char)('a' + (d - '0')))]);
        return new Person(guest ? null : n, $"{first.ToLowerInvariant()}.{n}@example.com", $"{first}-{letters}", $"{last}-{letters[..^1]}x",
            $"+1{n % 10_000_000_000:0000000000}");
    }

    private static JsonObject Address(Person p) => new()
    {
        ["first_name"] = p.FirstName, ["last_name"] = p.LastName, ["name"] = $"{p.FirstName} {p.LastName}", ["phone"] = p.Phone,
        ["address1"] = "12 Privet Drive", ["address2"] = "Flat 3", ["city"] = "Little Whinging", ["zip"] = "KT23 4XY",
        ["province"] = "Surrey", ["country"] = "United Kingdom", ["country_code"] = "GB", ["company"] = "Dursley Drills",
    };

    public static JsonObject Customer(Person p) => new()
    {
        ["id"] = p.Id, ["email"] = p.Email, ["first_name"] = p.FirstName, ["last_name"] = p.LastName, ["phone"] = p.Phone,
        ["note"] = $"VIP {p.FirstName}", ["tags"] = "vip", ["created_at"] = "2026-01-05T10:00:00Z", ["updated_at"] = "2026-01-05T10:00:00Z",
        ["default_address"] = Address(p), ["addresses"] = new JsonArray(Address(p)),
    };

    public static JsonObject Order(long id, Person p, string total, DateTimeOffset placed)
    {
        var at = placed.ToString("yyyy-MM-ddTHH:mm:ssZ");
        var order = new JsonObject
        {
            ["id"] = id, ["name"] = $"#{id}", ["email"] = p.Email, ["contact_email"] = p.Email, ["phone"] = p.Phone,
            ["created_at"] = at, ["processed_at"] = at, ["updated_at"] = at, ["currency"] = "USD",
            ["total_price"] = total, ["subtotal_price"] = total, ["total_discounts"] = "0.00", ["total_tax"] = "0.00",
            ["financial_status"] = "paid", ["test"] = false, ["browser_ip"] = "203.0.113.77",
            ["note"] = $"Leave with {p.FirstName} {p.LastName}",
            ["client_details"] = new JsonObject { ["browser_ip"] = "203.0.113.77", ["user_agent"] = "Mozilla/5.0 (X11; Linux)", ["accept_language"] = "en-GB" },
            ["billing_address"] = Address(p), ["shipping_address"] = Address(p),
            ["line_items"] = new JsonArray(new JsonObject
            {
                ["id"] = id * 10, ["product_id"] = 77, ["variant_id"] = 78, ["title"] = "Tee", ["quantity"] = 1, ["price"] = total, ["sku"] = "TEE",
            }),
        };
        if (p.Id is not null)
            order["customer"] = new JsonObject { ["id"] = p.Id, ["email"] = p.Email, ["first_name"] = p.FirstName, ["last_name"] = p.LastName, ["phone"] = p.Phone };
        return order;
    }

    public static JsonObject Checkout(string token, Person p, DateTimeOffset at) => new()
    {
        ["id"] = Unique.Id(), ["token"] = token, ["email"] = p.Email, ["phone"] = p.Phone,
        ["created_at"] = at.ToString("yyyy-MM-ddTHH:mm:ssZ"), ["updated_at"] = at.ToString("yyyy-MM-ddTHH:mm:ssZ"), ["total_price"] = "40.00",
        ["currency"] = "USD", ["abandoned_checkout_url"] = $"https://shop.example/checkouts/{token}/recover",
        ["billing_address"] = Address(p), ["shipping_address"] = Address(p),
        ["customer"] = p.Id is null ? null : new JsonObject { ["id"] = p.Id, ["email"] = p.Email, ["first_name"] = p.FirstName, ["last_name"] = p.LastName },
    };

    public static JsonObject Cart(string token, Person p, DateTimeOffset at)
    {
        var cart = Ingestion.Carts.CartSamples.Cart(token, at.ToString("yyyy-MM-ddTHH:mm:ssZ"));
        cart["email"] = p.Email;
        cart["customer"] = p.Id is null ? null : new JsonObject { ["id"] = p.Id, ["email"] = p.Email };
        return cart;
    }

    public static JsonObject AboutCustomer(Person p, params long[] orders) => new()
    {
        ["shop_id"] = 954889,
        ["customer"] = new JsonObject { ["id"] = p.Id, ["email"] = p.Email, ["phone"] = p.Phone },
        ["orders_to_redact"] = new JsonArray([.. orders.Select(o => (JsonNode)o)]),
        ["orders_requested"] = new JsonArray([.. orders.Select(o => (JsonNode)o)]),
        ["data_request"] = new JsonObject { ["id"] = 9999 },
    };
}

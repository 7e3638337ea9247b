using System.Text.Json.Nodes;
using GrowHalo.Tests.Ingestion;

namespace GrowHalo.Tests.Platform.HostileInput;

/// <summary>How a body target's request proves who sends it.</summary>
public enum Sender { TenantKey, Anonymous, Operator, ShopifySignature, MetaSignature, GoogleSignature }

/// <summary>
/// An endpoint that takes a body, with a valid body (a new one each call: names and ids that must be unique are) that
/// the hostile bodies are made from, and how its request is signed.
/// </summary>
public sealed record BodyTarget(string Operation, string Name, string Url, Func<JsonObject> Template, Sender Sender = Sender.TenantKey,
    IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>The body may be left out (an empty body or null means "no options"), so those two may be accepted.</summary>
    public bool OptionalBody { get; init; }

    /// <summary>The body may be a list of records (Google's searchStream answer), so [] (no records) may be accepted.</summary>
    public bool TakesList { get; init; }

    public string Method => Operation.Split(' ')[0];
    public override string ToString() => Name;
}

/// <summary>The body targets, and the operations of the OpenAPI document left out of hostile input, each with its reason.</summary>
public static class HostileTargets
{
    /// <summary>Operations not attacked, and why. Anything else in /openapi/v1.json must be a body target or be attacked through its parameters.</summary>
    public static readonly IReadOnlyDictionary<string, string> Excluded = new Dictionary<string, string>
    {
        ["GET /dashboard/live"] = "a server-sent event stream that stays open by design and takes no parameters or body",
        ["GET /openapi/v1.json"] = "a static document",
        ["POST /api/auth/password"] = "needs a signed-in user's cookie; its two strings are read by the same JSON reader and body checks as login (attacked)",
        ["POST /api/auth/tenant"] = "needs a signed-in user's cookie; its one string is read by the same JSON reader and body checks as login (attacked)",
    };

    /// <summary>Body templates by event type: what POST /api/v1/ingest/batch takes for each source.</summary>
    public static IEnumerable<(string Source, string EventType, Func<JsonObject> Payload)> BatchEvents()
    {
        yield return ("shopify", "order", () => Samples.Order(Unique.Id()));
        yield return ("shopify", "refund", () => Samples.Refund(Unique.Id(), Unique.Id()));
        yield return ("shopify", "customer", () => Samples.Customer(Unique.Id()));
        yield return ("shopify", "product", () => Samples.Product(Unique.Id()));
        yield return ("shopify", "checkout", () => Samples.Checkout(Unique.Id()));
        yield return ("shopify", "cart", () => new JsonObject
        {
            ["token"] = $"cart{Unique.Id()}", ["created_at"] = "2026-03-01T10:00:00Z", ["updated_at"] = "2026-03-01T10:05:00Z",
            ["currency"] = "USD", ["email"] = "cart@example.com",
            ["line_items"] = new JsonArray(new JsonObject { ["quantity"] = 1, ["price"] = "19.90" }),
        });
        yield return ("meta", "ad_spend", () => Samples.MetaRow($"m{Unique.Id()}"));
        yield return ("google", "ad_spend", () => Samples.GoogleFlat($"g{Unique.Id()}"));
    }
}

namespace GrowHalo.Ingestion.ShopifyApp;

/// <summary>
/// Settings under "ShopifyApp": the app as registered in Shopify's Partner dashboard. The client secret comes from
/// configuration (e.g. the environment variable <c>ShopifyApp__ClientSecret</c>) and stays in memory: it is never
/// stored, logged or sent anywhere but to Shopify's token endpoint.
/// </summary>
public sealed class ShopifyAppOptions
{
    public const string Section = "ShopifyApp";

    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>Access scopes asked for at install, comma-separated as Shopify writes them.</summary>
    public string Scopes { get; set; } = "read_orders,read_customers,read_products";

    /// <summary>GrowHalo's public URL as Shopify reaches it, e.g. https://growhalo.example.com (redirect and webhook addresses).</summary>
    public string? AppUrl { get; set; }

    /// <summary>Admin API version used to register webhooks (the pollers' version).</summary>
    public string ApiVersion { get; set; } = Polling.ShopifyPoller.ApiVersion;

    /// <summary>How long an install may take between GrowHalo's redirect and Shopify's callback.</summary>
    public TimeSpan StateLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often an installed shop is polled besides its webhooks.</summary>
    public int PollingIntervalSeconds { get; set; } = 900;

    /// <summary>
    /// Off in real deployments: shops are <c>*.myshopify.com</c> reached at https://{shop}. The demo and tests turn it
    /// on with <see cref="StandInUrl"/> (e.g. http://127.0.0.1:5081): every shop is then reached at the simulator's
    /// Shopify stand-in, which plays one myshopify shop, so its webhooks and records look like a real shop's.
    /// </summary>
    public bool AllowStandInShops { get; set; }

    public string? StandInUrl { get; set; }

    /// <summary>What is missing for installs to work; empty when configured.</summary>
    public IReadOnlyList<string> Missing()
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(ClientId)) missing.Add($"{Section}:ClientId");
        if (string.IsNullOrWhiteSpace(ClientSecret)) missing.Add($"{Section}:ClientSecret");
        if (!Uri.TryCreate(AppUrl, UriKind.Absolute, out _)) missing.Add($"{Section}:AppUrl");
        if (AllowStandInShops && !Uri.TryCreate(StandInUrl, UriKind.Absolute, out _)) missing.Add($"{Section}:StandInUrl");
        return missing;
    }

    public string RedirectUri => $"{AppUrl!.TrimEnd('/')}/auth/shopify/callback";

    public string WebhookAddress => $"{AppUrl!.TrimEnd('/')}/api/v1/ingest/webhook/shopify";
}

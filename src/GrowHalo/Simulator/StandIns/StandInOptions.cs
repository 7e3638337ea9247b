namespace GrowHalo.Simulator.StandIns;

/// <summary>Limits the stand-ins enforce, as the real platforms do; tests shrink them to see paging and throttling.</summary>
public sealed record StandInOptions
{
    /// <summary>Shopify REST leaky bucket: size and leak rate per second (standard plans: 40 and 2).</summary>
    public int BucketSize { get; init; } = 40;
    public double LeakPerSecond { get; init; } = 2;

    /// <summary>Seconds sent in Retry-After on a 429 (Shopify sends 2.0).</summary>
    public double RetryAfterSeconds { get; init; } = 2.0;

    /// <summary>Shopify GraphQL cost points: bucket size and restore rate per second.</summary>
    public double GraphQlMaxCost { get; init; } = 1000;
    public double GraphQlRestoreRate { get; init; } = 50;

    /// <summary>Largest page Shopify REST gives (limit=250 is its maximum).</summary>
    public int MaxShopifyPage { get; init; } = 250;

    /// <summary>Meta insights rows per page (Meta's default is 25).</summary>
    public int MetaPageSize { get; init; } = 25;

    /// <summary>Google Ads searchStream rows per streamed batch (Google uses 10,000).</summary>
    public int GoogleBatchSize { get; init; } = 10_000;

    /// <summary>The shop the Shopify stand-in plays (the simulated world's).</summary>
    public string ShopDomain { get; init; } = "halo-demo.myshopify.com";

    /// <summary>The Shopify app the stand-in shop will install: its client id and the secret it signs callbacks with.</summary>
    public string? AppClientId { get; init; }
    public string? AppClientSecret { get; init; }
}

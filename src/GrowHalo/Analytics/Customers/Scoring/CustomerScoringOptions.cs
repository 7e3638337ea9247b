namespace GrowHalo.Analytics.Customers.Scoring;

/// <summary>Settings under "CustomerScoring" in configuration.</summary>
public sealed class CustomerScoringOptions
{
    /// <summary>Whether the server rescores stale tenants in the background (endpoints still score a tenant with no scores for today).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the background service looks for stale tenants.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The shortest time between two scorings of a tenant whose read models changed (a new day rescores at once).</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMinutes(5);
}

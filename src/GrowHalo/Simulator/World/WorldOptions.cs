namespace GrowHalo.Simulator.World;

/// <summary>
/// What a simulated brand looks like. The same options and the same first day always give the same world, so a
/// test, a seed and a live simulator that agree on these see the very same orders, customers and ad spend.
/// </summary>
public sealed record WorldOptions
{
    public int Seed { get; init; } = 42;
    public string TimeZone { get; init; } = "America/New_York";
    public string Currency { get; init; } = "USD";
    public string ShopDomain { get; init; } = "halo-demo.myshopify.com";

    /// <summary>Average orders a day; a day's count varies with the weekday and noise, about ±50%.</summary>
    public int OrdersPerDay { get; init; } = 100;

    /// <summary>Ad spend is budgeted so that blended ROAS lands around this value.</summary>
    public decimal TargetRoas { get; init; } = 3m;

    public string MetaAccountId { get; init; } = "1029384756";
    public string GoogleCustomerId { get; init; } = "5647382910";

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

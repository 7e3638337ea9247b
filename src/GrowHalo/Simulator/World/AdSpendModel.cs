namespace GrowHalo.Simulator.World;

/// <summary>
/// Daily ad spend per campaign. Each campaign-day has a settled value fixed by the seed; before it settles the
/// platform reports less: today grows through the day, yesterday reads ~3% low, the day before ~0.5% low. So
/// re-pulling a trailing window sees restated rows, and pulling the same instant twice sees identical rows.
/// </summary>
public sealed class AdSpendModel(WorldOptions options, SimClock clock, IReadOnlyList<AdCampaign> campaigns, DateOnly firstDay)
{
    /// <summary>Average order value the budget is planned around (the catalog's typical basket).</summary>
    private const decimal PlannedAov = 80m;

    public IReadOnlyList<AdCampaign> Campaigns => campaigns;

    public IEnumerable<AdDay> Days(string platform, DateOnly from, DateOnly to, DateTimeOffset asOf)
    {
        for (var day = from; day <= to; day = day.AddDays(1))
            foreach (var campaign in campaigns.Where(c => c.Platform == platform))
                if (Observe(campaign, day, asOf) is { } row) yield return row;
    }

    public AdDay? Observe(AdCampaign campaign, DateOnly day, DateTimeOffset asOf)
    {
        var start = clock.StartOf(day);
        if (asOf <= start || day < firstDay) return null; // campaigns run from the world's first day
        var age = clock.DayOf(asOf).DayNumber - day.DayNumber;
        var settled = (decimal)(asOf - start).TotalHours / 24m;
        var factor = age switch { 0 => Math.Min(1m, settled), 1 => 0.97m, 2 => 0.995m, _ => 1m };
        var rng = new Bogus.Randomizer(Mix(options.Seed, campaign.Id, day));
        var weekday = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 1.1m : 1m;
        var budget = options.OrdersPerDay * PlannedAov / options.TargetRoas;
        var full = budget * campaign.BudgetShare * weekday * (decimal)rng.Double(0.85, 1.15);
        var spend = Math.Round(full * factor, 2);
        var impressions = (long)(spend / campaign.Cpm * 1000m);
        var clicks = (long)(impressions * campaign.Ctr * (decimal)rng.Double(0.9, 1.1));
        var value = Math.Round(spend * campaign.PlatformRoas * (decimal)rng.Double(0.8, 1.2), 2);
        var conversions = Math.Round(value / PlannedAov, campaign.Platform == "google" ? 2 : 0);
        return new AdDay(campaign, day, spend, impressions, clicks, conversions, value);
    }

    private static int Mix(int seed, string campaignId, DateOnly day)
    {
        unchecked
        {
            var h = seed * 16777619 ^ SimClock.DayIndex(day);
            foreach (var c in campaignId) h = h * 31 + c;
            return h;
        }
    }
}

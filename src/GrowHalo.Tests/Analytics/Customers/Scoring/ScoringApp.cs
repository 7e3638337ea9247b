using Microsoft.AspNetCore.Hosting;

namespace GrowHalo.Tests.Analytics.Customers.Scoring;

/// <summary>MetricsApp whose background scoring looks for stale tenants five times a second and rescores them at once.</summary>
public sealed class ScoringApp : MetricsApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("CustomerScoring:Tick", "00:00:00.200");
        builder.UseSetting("CustomerScoring:MinInterval", "00:00:00");
    }
}

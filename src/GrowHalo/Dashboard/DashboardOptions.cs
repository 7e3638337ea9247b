namespace GrowHalo.Dashboard;

/// <summary>Settings under "Dashboard" in configuration.</summary>
public sealed class DashboardOptions
{
    /// <summary>How long a dashboard sign-in lasts at most; the key is re-checked on every request regardless.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a one-time sign-in link (growhalo demo) may wait before it is used.</summary>
    public TimeSpan SignInLinkLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often an idle live stream sends a keep-alive and re-checks that its session still holds.</summary>
    public TimeSpan LiveHeartbeat { get; set; } = TimeSpan.FromSeconds(15);
}

namespace GrowHalo.Platform.Accounts;

/// <summary>Settings under "Accounts" in configuration.</summary>
public sealed class AccountOptions
{
    /// <summary>How long a sign-in lasts; it does not slide. Logout and a password change end it sooner.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long an invitation link may wait before it is accepted.</summary>
    public TimeSpan InviteLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Failed logins for one e-mail within <see cref="ThrottleWindow"/> before further attempts get 429.</summary>
    public int MaxFailuresPerEmail { get; set; } = 5;

    /// <summary>Failed logins from one client address within <see cref="ThrottleWindow"/> before further attempts get 429.</summary>
    public int MaxFailuresPerAddress { get; set; } = 20;

    public TimeSpan ThrottleWindow { get; set; } = TimeSpan.FromMinutes(15);
}

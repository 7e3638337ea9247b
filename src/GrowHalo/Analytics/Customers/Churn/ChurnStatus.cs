namespace GrowHalo.Analytics.Customers.Churn;

/// <summary>
/// How a customer's churn status is decided. With a trusted BG/NBD fit, by p_alive: active from 0.7, at_risk from 0.3,
/// lost below. Without one (fewer than <see cref="MinRepeatCustomers"/> repeat customers, or a fit that did not
/// converge), by the lapse rule: days since the last counted order, active up to 90, at_risk up to 180, lost after.
/// 90 days is the horizon the model's expected orders look ahead; twice that without an order is what many
/// subscription-free shops call lapsed.
/// </summary>
public static class ChurnStatus
{
    public const string Active = "active", AtRisk = "at_risk", Lost = "lost";

    public static readonly IReadOnlyList<string> All = [Active, AtRisk, Lost];

    /// <summary>Below this many customers with a repeat purchase day, the fit is not trusted.</summary>
    public const int MinRepeatCustomers = 20;

    public const double ActiveFrom = 0.7, AtRiskFrom = 0.3;

    public const int LapseActiveDays = 90, LapseAtRiskDays = 180;

    public const string ModelRule = "BG/NBD: active when p_alive ≥ 0.7, at_risk when 0.3 ≤ p_alive < 0.7, lost when p_alive < 0.3";

    public static string LapseRule(string why) =>
        $"Lapse rule ({why}): active when the last counted order is at most {LapseActiveDays} days before as_of, at_risk at " +
        $"{LapseActiveDays + 1}–{LapseAtRiskDays} days, lost after {LapseAtRiskDays} days";

    public static string OfPAlive(double pAlive) => pAlive >= ActiveFrom ? Active : pAlive >= AtRiskFrom ? AtRisk : Lost;

    public static string OfDaysSinceLastOrder(int days) => days <= LapseActiveDays ? Active : days <= LapseAtRiskDays ? AtRisk : Lost;
}
